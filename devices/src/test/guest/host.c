/* Host harness for the test kernel's firmware parsers: maps a dump of guest physical memory
 * [BASE, BASE + size) at the same host addresses and runs parse_acpi/parse_smbios from main.c.
 * Usage: host-parse IMAGE BASE RSDP   (addresses in hex). Exit status = number of failed checks. */
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

int host_parse_firmware(uint64_t rsdp);

/* Symbols boot.S provides to the real kernel; the host build never uses them. */
const uint64_t isr_table[2] = { (uint64_t)-1, 0 };
char trampoline_start[1], trampoline_end[1], tramp_cr3[8], tramp_stack[8];

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
	void *p = mmap((void *)base, st.st_size, PROT_READ, MAP_PRIVATE | MAP_FIXED_NOREPLACE, fd, 0);
	if (p != (void *)base) {
		perror("mmap at the guest physical address");
		return 100;
	}
	int failures = host_parse_firmware(rsdp);
	fflush(stdout);
	return failures;
}
