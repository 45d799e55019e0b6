/* smp: starts every AP the MADT lists; each prints "cpu <apic id> online" and bumps a shared counter.
 * Exits 0 when all of them came up, 1 otherwise. */
#include "runtime/runtime.h"

#define WAIT_MS 1000

static volatile uint32_t online = 1; /* the BSP */

void guest_ap_main(unsigned cpu_index, uint32_t apic_id) {
  (void)cpu_index;
  printf("cpu %u online\n", apic_id);
  __atomic_fetch_add(&online, 1, __ATOMIC_SEQ_CST);
}

int guest_main(void) {
  uint32_t want = acpi.cpu_count ? acpi.cpu_count : 1;
  printf("smp: bsp apic id %u, %u cpus in the MADT\n", lapic_id(), want);
  smp_start_aps(WAIT_MS);
  /* An AP counts itself after printing; wait (bounded) for the last increments. */
  for (unsigned ms = 0; online < want && ms < WAIT_MS; ms++) pit_delay_us(1000);
  uint32_t n = online;
  printf("smp: %u/%u cpus online\n", n, want);
  return n == want ? EXIT_OK : EXIT_FAIL;
}
