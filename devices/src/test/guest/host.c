/* Host harness for the test kernel's firmware parsers: maps a dump of guest physical memory
 * [BASE, BASE + size) anywhere and runs parse_acpi/parse_smbios from firmware.c with phys_offset
 * translating guest physical addresses into the mapping.
 * Usage: host-parse IMAGE BASE RSDP   (addresses in hex). Exit status = number of failed checks. */
#include <fcntl.h>
#include <stdint.h>
#include "kt.h"
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

int host_parse_firmware(uint64_t rsdp);

void host_putc(char c)
{
	putchar(c);
}

int main(int argc, char **argv)
{
	if (argc != 4) {
		fprintf(stderr, "usage: %s IMAGE BASE RSDP\n", argv[0]);
		return 100;
	}
	uint64_t base = strtoull(argv[2], 0, 16), rsdp = strtoull(argv[3], 0, 16);
	int fd = open(argv[1], O_RDONLY);
	struct stat st;
	if (fd < 0 || fstat(fd, &st) != 0) {
		perror(argv[1]);
		return 100;
	}
	void *p = mmap(0, st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
	if (p == MAP_FAILED) {
		perror("mmap");
		return 100;
	}
	phys_offset = (uint64_t)(uintptr_t)p - base;
	int failures = host_parse_firmware(rsdp);
	fflush(stdout);
	return failures;
}
