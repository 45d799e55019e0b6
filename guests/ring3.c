/* ring3: runs work at CPL3 through run_user(): a native-speed sum of 1..n (`n=` on the command line,
 * default 100000000), a write to an ordinary page, and a write to an unmapped page above 4 GiB that must
 * come back as #PF with CR2. Exits 0 when all three behave. */
#include "runtime/runtime.h"

#define UNMAPPED_ADDR 0x140000000ull /* 5 GiB: beyond the 4 GiB identity map */
#define PF_ERR_WRITE 2
#define PF_ERR_USER 4
#define VECTOR_PF 14

static volatile uint64_t shared_page[512] __attribute__((aligned(4096)));

static uint64_t user_sum(uint64_t n) {
  uint64_t s = 0;
  for (uint64_t i = 1; i <= n; i++) {
    s += i;
    __asm__ volatile("" : "+r"(s)); /* keep the loop: no closed form */
  }
  return s;
}

static uint64_t user_store(uint64_t addr) {
  volatile uint64_t *p = (volatile uint64_t *)(uintptr_t)addr;
  *p = 0x5eed;
  return *p + 1;
}

int guest_main(void) {
  bool ok = true;
  uint64_t n = 100000000;
  cmdline_get_u64("n", &n);

  uint64_t sum = run_user(user_sum, n);
  uint64_t want = n * (n + 1) / 2;
  ok &= !user_last_fault() && sum == want;
  printf("ring3: sum(1..%lu) = %lu (%s)\n", n, sum, sum == want ? "ok" : "WRONG");

  uint64_t r = run_user(user_store, (uintptr_t)&shared_page[7]);
  bool store_ok = !user_last_fault() && r == 0x5eed + 1 && shared_page[7] == 0x5eed;
  ok &= store_ok;
  printf("ring3: store to 0x%lx %s\n", (uint64_t)(uintptr_t)&shared_page[7], store_ok ? "ok" : "FAILED");

  run_user(user_store, UNMAPPED_ADDR);
  const struct user_fault *f = user_last_fault();
  bool pf_ok = f && f->vector == VECTOR_PF && f->cr2 == UNMAPPED_ADDR &&
               (f->error & (PF_ERR_WRITE | PF_ERR_USER)) == (PF_ERR_WRITE | PF_ERR_USER);
  ok &= pf_ok;
  if (f)
    printf("ring3: store to 0x%llx -> vector %lu err=0x%lx cr2=0x%lx (%s)\n", UNMAPPED_ADDR, f->vector, f->error,
           f->cr2, pf_ok ? "ok" : "WRONG");
  else printf("ring3: store to 0x%llx did not fault (WRONG)\n", UNMAPPED_ADDR);

  printf("ring3: %s\n", ok ? "pass" : "FAIL");
  return ok ? EXIT_OK : EXIT_FAIL;
}
