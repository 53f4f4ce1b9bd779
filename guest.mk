# Guest build: kernel.elf (kernel/ + watchdog/), modules (guest-modules/*.c -> *.ko).
# Usage: make -f guest.mk OUT=dir   (scripts/build-guest.sh checks the toolchain first)
OUT ?= build/guest
OBJ := $(OUT)/obj

CC := gcc
LD := ld
GCC_INC := $(shell $(CC) -print-file-name=include)

# Freestanding kernel code: no SSE (the emulator implements general-purpose integer instructions),
# no red zone (interrupts use the kernel stack), kernel code model for the higher half.
KCFLAGS := -std=gnu11 -O2 -g -ffreestanding -fno-optimize-sibling-calls -fno-pie -fno-pic -fno-stack-protector \
  -fno-asynchronous-unwind-tables -fno-unwind-tables -fcf-protection=none -fno-omit-frame-pointer \
  -mno-red-zone -mgeneral-regs-only -mcmodel=kernel -mno-sse -mno-mmx -mno-80387 \
  -nostdinc -isystem $(GCC_INC) -Ikernel/include -Wall -Wextra -Wno-unused-parameter
KASFLAGS := -Ikernel/include -D__ASSEMBLY__

KSRC := $(wildcard kernel/*.c) $(wildcard watchdog/*.c)
KASM := $(wildcard kernel/*.S)
KOBJ := $(patsubst %.c,$(OBJ)/%.o,$(KSRC)) $(patsubst %.S,$(OBJ)/%.o,$(KASM))

# kmod: bundled modules (MODS), kallsyms_link, initramfs.cpio, kmod-hosttest
include guest-modules/modules.mk

all: $(OUT)/kernel.elf $(MODS)

$(OUT)/kernel.elf: $(KOBJ) kernel/kernel.ld
	@mkdir -p $(dir $@)
	$(call kallsyms_link,$(LD) -nostdlib -static -z max-page-size=0x1000 -T kernel/kernel.ld,$(KOBJ),$@)

$(OBJ)/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(KCFLAGS) -MMD -c -o $@ $<

$(OBJ)/%.o: %.S
	@mkdir -p $(dir $@)
	$(CC) $(KASFLAGS) -MMD -c -o $@ $<

clean:
	rm -rf $(OUT)

.PHONY: all clean
# kuser: host unit tests of tty/shell/fs/proc/sysctl (make -f guest.mk OUT=... hosttest)
-include kernel/tests/hosttest.mk
# kcore: host unit test of vsnprintf/kstrto* (make -f guest.mk OUT=... kcore-hosttest)
-include kernel/tests/kcore/hosttest.mk
-include $(shell find $(OBJ) -name '*.d' 2>/dev/null)
