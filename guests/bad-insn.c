/* bad-insn: executes popcnt at CPL0. kvm_pvm's emulator cannot (KVM_EXIT_INTERNAL_ERROR); hardware KVM runs
 * it, and then the guest checks the result and exits 0. The only instruction the build lets through. */
#include "runtime/runtime.h"

int guest_main(void) {
  uint64_t v = 0xf0f0; /* 8 bits set */
  printf("bad-insn: popcnt at CPL0\n");
  __asm__ volatile(".byte 0xf3, 0x48, 0x0f, 0xb8, 0xc0" /* popcnt %rax, %rax */ : "+a"(v));
  printf("bad-insn: popcnt ran, result %lu\n", v);
  return v == 8 ? EXIT_OK : EXIT_FAIL;
}
