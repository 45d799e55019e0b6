/* hcbench: the hypercall round trip against a plain port exit. `count=N` (default 200000) SMCCC_VERSION
 * calls through the doorbell in a tight CPL0 loop, then N plain `outb %al, $0x80` exits in a loop of the
 * same instructions (CPL0 code is emulated at ~1 µs an instruction here, so the loops must match for the
 * difference to be the transport's); `mode=hvc` or `mode=out` runs one of the two only, so the host can time
 * each in a run of its own. */
#include "runtime/runtime.h"

/* Every call must give the first call's answer; returns how many did not. */
static uint64_t hvc_loop(uint64_t n, uint64_t want) {
  uint64_t bad = 0;
  if (n)
    __asm__ volatile("1: mov %[fid], %%eax\n\t"
                     "outl %%eax, %[port]\n\t"
                     "cmp %[want], %%rax\n\t"
                     "je 2f\n\t"
                     "inc %[bad]\n"
                     "2: dec %[n]\n\t"
                     "jnz 1b"
                     : [n] "+S"(n), [bad] "+D"(bad)
                     : [fid] "i"(ARM_SMCCC_VERSION_FUNC_ID), [port] "i"(HYPERCALL_PORT), [want] "r"(want)
                     : "rax", "rbx", "rcx", "rdx", "memory", "cc");
  return bad;
}

/* hvc_loop's instructions with the doorbell replaced by a plain exit: EAX keeps the id, which is `want`. */
static uint64_t out_loop(uint64_t n) {
  uint64_t bad = 0;
  if (n)
    __asm__ volatile("1: mov %[fid], %%eax\n\t"
                     "outb %%al, $0x80\n\t"
                     "cmp %[want], %%rax\n\t"
                     "je 2f\n\t"
                     "inc %[bad]\n"
                     "2: dec %[n]\n\t"
                     "jnz 1b"
                     : [n] "+S"(n), [bad] "+D"(bad)
                     : [fid] "i"(ARM_SMCCC_VERSION_FUNC_ID), [want] "r"((uint64_t)ARM_SMCCC_VERSION_FUNC_ID)
                     : "rax", "rbx", "rcx", "rdx", "memory", "cc");
  return bad;
}

int guest_main(void) {
  uint64_t n = 200000;
  cmdline_get_u64("count", &n);
  bool hvc = !cmdline_has_word("mode=out");
  bool out = !cmdline_has_word("mode=hvc");
  bool ok = true;

  if (hvc) {
    uint64_t version = smccc_call0(ARM_SMCCC_VERSION_FUNC_ID).a0;
    printf("hcbench: %lu SMCCC_VERSION calls (version 0x%lx)\n", n, version);
    ok = (int64_t)version > 0;
    uint64_t bad = hvc_loop(n, version);
    printf("hcbench: hvc done, %lu wrong answers\n", bad);
    ok &= bad == 0;
  }
  if (out) {
    printf("hcbench: %lu outb to port 0x80\n", n);
    uint64_t bad = out_loop(n);
    printf("hcbench: out done, %lu wrong\n", bad);
    ok &= bad == 0;
  }
  printf("hcbench: done\n");
  return ok ? EXIT_OK : EXIT_FAIL;
}
