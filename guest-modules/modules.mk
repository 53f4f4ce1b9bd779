# kmod's part of the guest build, included once from guest.mk (owner: kmod):
#  - bundled modules: guest-modules/*.c -> $(OUT)/modules/*.ko with the module SDK (in-tree)
#  - kallsyms: the kernel's symbol table, linked into kernel.elf in three passes (kallsyms_link)
#  - the initramfs: $(OUT)/initramfs.cpio with the bundled modules in /root (the shell's home)
#  - kmod-hosttest: host unit test of the module loader (also run by `make -f guest.mk hosttest`)

# (first explicit target here: keeps `all` the default goal)
all: $(OUT)/initramfs.cpio

MSRC := $(wildcard guest-modules/*.c)
MODS := $(patsubst guest-modules/%.c,$(OUT)/modules/%.ko,$(MSRC))
HOSTCC ?= $(CC)
NM ?= nm
KMOD_HOST := $(OBJ)/host
KALLSYMS := $(KMOD_HOST)/kallsyms
MKCPIO := $(KMOD_HOST)/mkcpio
SDK_DEPS := $(wildcard guest-modules/include/*.c guest-modules/include/linux/*.h guest-modules/include/linux/*/*.h) \
  scripts/emu-module-build

$(OUT)/modules/%.ko: guest-modules/%.c $(SDK_DEPS)
	@mkdir -p $(dir $@)
	CC=$(CC) LD=$(LD) scripts/emu-module-build --intree -o $@ $<

$(KMOD_HOST)/%: scripts/%.c
	@mkdir -p $(dir $@)
	$(HOSTCC) -O2 -Wall -o $@ $<

# The kernel image links three times: with an empty table (to learn the symbols), with a table of
# the right size (addresses after the table may still move), and with the final addresses. The table
# size depends only on names, so pass 3's layout equals pass 2's; the last step proves it.
# $(1): link command up to -o, $(2): objects, $(3): output
define kallsyms_link
	$(KALLSYMS) --empty > $(OBJ)/kallsyms0.S
	$(CC) $(KASFLAGS) -c -o $(OBJ)/kallsyms0.o $(OBJ)/kallsyms0.S
	$(1) -o $(3).pass1 $(2) $(OBJ)/kallsyms0.o
	$(NM) -n -S $(3).pass1 | $(KALLSYMS) > $(OBJ)/kallsyms1.S
	$(CC) $(KASFLAGS) -c -o $(OBJ)/kallsyms1.o $(OBJ)/kallsyms1.S
	$(1) -o $(3).pass2 $(2) $(OBJ)/kallsyms1.o
	$(NM) -n -S $(3).pass2 | $(KALLSYMS) > $(OBJ)/kallsyms2.S
	$(CC) $(KASFLAGS) -c -o $(OBJ)/kallsyms2.o $(OBJ)/kallsyms2.S
	$(1) -o $(3) $(2) $(OBJ)/kallsyms2.o
	$(NM) -n -S $(3) | $(KALLSYMS) --verify $(OBJ)/kallsyms2.S || { rm -f $(3); exit 1; }
	@rm -f $(3).pass1 $(3).pass2
endef

$(OUT)/kernel.elf: $(KALLSYMS)

# initramfs: /root holds the bundled modules (kuser's SHELL_HOME)
$(OUT)/initramfs.cpio: $(MODS) $(MKCPIO)
	$(MKCPIO) $@ d:root $(foreach m,$(MODS),f:root/$(notdir $(m))=$(m))

kmod-hosttest: $(MODS)
	kernel/tests/kmod/run.sh $(OUT)/modules

hosttest: kmod-hosttest

.PHONY: kmod-hosttest
