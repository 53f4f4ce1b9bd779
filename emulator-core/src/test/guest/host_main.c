/* Host driver: runs the same guest_main natively and prints the checksum in hex. */
#include <stdio.h>
#include <stdlib.h>

unsigned long guest_main(unsigned long arg);

int
main(int argc, char **argv)
{
  unsigned long arg = argc > 1 ? strtoul(argv[1], NULL, 0) : 0;
  printf("%lx\n", guest_main(arg));
  return 0;
}
