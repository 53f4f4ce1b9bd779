# CpuBench workload (emu bench mips): emulator-core/src/test/guest/{entry.S,rt.c,bench.c} linked with
# bench.ld into a flat image loaded at 0x200000 (see docs/performance.md). Built from source, never
# committed. Usage: make -f scripts/bench.mk OUT=dir  ->  dir/bench/bench.bin
OUT ?= build/guest
BOBJ := $(OUT)/obj/bench
BSRC := emulator-core/src/test/guest
CC := gcc
LD := ld
BFLAGS := -O2 -mgeneral-regs-only -ffreestanding -fno-pie -fno-pic -fno-stack-protector \
  -fcf-protection=none -fno-asynchronous-unwind-tables

all: $(OUT)/bench/bench.bin

$(OUT)/bench/bench.bin: $(BOBJ)/entry.o $(BOBJ)/rt.o $(BOBJ)/bench.o $(BSRC)/bench.ld
	@mkdir -p $(dir $@)
	$(LD) -nostdlib -static --no-warn-rwx-segments -z max-page-size=0x1000 -T $(BSRC)/bench.ld \
	  -o $(BOBJ)/bench.elf $(BOBJ)/entry.o $(BOBJ)/rt.o $(BOBJ)/bench.o
	objcopy -O binary $(BOBJ)/bench.elf $@

$(BOBJ)/%.o: $(BSRC)/%.c $(BSRC)/rt.h
	@mkdir -p $(dir $@)
	$(CC) $(BFLAGS) -c -o $@ $<

$(BOBJ)/%.o: $(BSRC)/%.S
	@mkdir -p $(dir $@)
	$(CC) $(BFLAGS) -c -o $@ $<

.PHONY: all
