/* exit-bench: `count=N` (default 1000000) outb's to port 0x80 in a tight CPL0 loop: one VM exit each. */
#include "runtime/runtime.h"

int guest_main(void) {
  uint64_t n = 1000000;
  cmdline_get_u64("count", &n);
  printf("exit-bench: %lu outb to port 0x80\n", n);
  if (n) __asm__ volatile("1: outb %%al, $0x80\n\tdec %0\n\tjnz 1b" : "+c"(n)::"memory");
  printf("exit-bench: done\n");
  return EXIT_OK;
}
