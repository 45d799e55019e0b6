/* triple-fault: loads an empty IDT (limit 0) and executes ud2: #UD → #GP → #DF cannot be delivered, so the
 * CPU shuts down. Exits 3 if execution continues. */
#include "runtime/runtime.h"

int guest_main(void) {
  struct {
    uint16_t limit;
    uint64_t base;
  } __attribute__((packed)) empty = {0, 0};
  printf("triple-fault: empty IDT, then ud2\n");
  __asm__ volatile("lidt %0; ud2" ::"m"(empty));
  return EXIT_UNREACHABLE;
}
