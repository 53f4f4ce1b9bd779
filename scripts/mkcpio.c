/* mkcpio: writes a cpio "newc" archive (the initramfs). Host tool, built by guest-modules/modules.mk
 * (CI machines need not have cpio). Deterministic: mtime 0, uid/gid 0, inodes numbered in order.
 *   mkcpio OUT.cpio ENTRY...      ENTRY = d:PATH (directory, 0755) | f:PATH=HOSTFILE (file, 0644)
 * Owner: kmod. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static FILE *out;
static unsigned long pos, ino = 1;

static void put(const void *p, size_t n)
{
	if (n && fwrite(p, 1, n, out) != n) {
		perror("mkcpio: write");
		exit(1);
	}
	pos += n;
}

static void pad4(void)
{
	static const char z[4];

	put(z, (4 - pos % 4) % 4);
}

static void entry(const char *name, unsigned int mode, const unsigned char *data, unsigned long size)
{
	char hdr[160];

	snprintf(hdr, sizeof(hdr), "070701%08lX%08X%08X%08X%08X%08X%08lX%08X%08X%08X%08X%08lX%08X",
		 ino++, mode, 0, 0, (mode & 0170000) == 0040000 ? 2 : 1, 0, size, 0, 0, 0, 0,
		 (unsigned long)strlen(name) + 1, 0);
	put(hdr, 110);
	put(name, strlen(name) + 1);
	pad4();
	put(data, size);
	pad4();
}

int main(int argc, char **argv)
{
	int i;

	if (argc < 2) {
		fprintf(stderr, "usage: mkcpio OUT.cpio [d:DIR | f:PATH=HOSTFILE]...\n");
		return 2;
	}
	out = fopen(argv[1], "wb");
	if (!out) {
		perror(argv[1]);
		return 1;
	}
	for (i = 2; i < argc; i++) {
		const char *a = argv[i];

		if (!strncmp(a, "d:", 2)) {
			entry(a + 2, 0040755, NULL, 0);
		} else if (!strncmp(a, "f:", 2) && strchr(a, '=')) {
			char name[4096];
			const char *host = strchr(a, '=') + 1;
			FILE *f = fopen(host, "rb");
			unsigned char *buf;
			long n;

			snprintf(name, sizeof(name), "%.*s", (int)(strchr(a, '=') - a - 2), a + 2);
			if (!f) {
				perror(host);
				return 1;
			}
			fseek(f, 0, SEEK_END);
			n = ftell(f);
			fseek(f, 0, SEEK_SET);
			buf = malloc(n ? n : 1);
			if (!buf || fread(buf, 1, n, f) != (size_t)n) {
				fprintf(stderr, "mkcpio: cannot read %s\n", host);
				return 1;
			}
			fclose(f);
			entry(name, 0100644, buf, n);
			free(buf);
		} else {
			fprintf(stderr, "mkcpio: bad entry '%s'\n", a);
			return 2;
		}
	}
	entry("TRAILER!!!", 0, NULL, 0);
	/* pad the archive to a 512-byte multiple, as cpio does */
	{
		static const char z[512];

		put(z, (512 - pos % 512) % 512);
	}
	if (fclose(out)) {
		perror("mkcpio: close");
		return 1;
	}
	return 0;
}
