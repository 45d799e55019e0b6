/* pvtime: paravirtualized stolen time (Arm DEN0057A; reference §4.6): discovers PV_TIME_ST through
 * ARCH_FEATURES and PV_TIME_FEATURES, checks the record, then for `seconds=N` (default 3) prints
 * `pvtime: stolen <ns>` four times a second. The waits poll the PIT, so the vCPU keeps exiting and bothy
 * keeps the record fresh; stolen time must never go backwards. */
#include "runtime/runtime.h"

struct pvclock_vcpu_stolen_time {
  uint32_t revision;
  uint32_t attributes;
  uint64_t stolen_time;
  uint8_t padding[48];
} __attribute__((packed));
_Static_assert(sizeof(struct pvclock_vcpu_stolen_time) == PVTIME_RECORD_SIZE, "DEN0057A record is 64 bytes");

#define PRINTS_PER_SECOND 4

int guest_main(void) {
  check_begin("pvtime");
  uint64_t seconds = 3;
  cmdline_get_u64("seconds", &seconds);

  struct smccc_res r = smccc_call1(ARM_SMCCC_ARCH_FEATURES_FUNC_ID, ARM_SMCCC_HV_PV_TIME_FEATURES);
  printf("pvtime: ARCH_FEATURES(PV_TIME_FEATURES) = %ld\n", smccc_a0(r));
  check(smccc_a0(r) == SMCCC_RET_SUCCESS, "ARCH_FEATURES(PV_TIME_FEATURES) is 0");
  r = smccc_call1(ARM_SMCCC_HV_PV_TIME_FEATURES, ARM_SMCCC_HV_PV_TIME_ST);
  printf("pvtime: PV_TIME_FEATURES(PV_TIME_ST) = %ld\n", smccc_a0(r));
  check(smccc_a0(r) == SMCCC_RET_SUCCESS, "PV_TIME_FEATURES(PV_TIME_ST) is 0");

  r = smccc_call0(ARM_SMCCC_HV_PV_TIME_ST);
  uint64_t want = PVTIME_START + (uint64_t)PVTIME_RECORD_SIZE * lapic_id(); /* bothy: APIC id = vCPU index */
  printf("pvtime: PV_TIME_ST = 0x%lx (want 0x%lx)\n", r.a0, want);
  check(r.a0 == want, "PV_TIME_ST is this vCPU's record");
  if (r.a0 != want) return check_summary();

  const volatile struct pvclock_vcpu_stolen_time *st = (const volatile void *)(uintptr_t)r.a0;
  printf("pvtime: revision %u attributes %u stolen %lu\n", st->revision, st->attributes, st->stolen_time);
  check(st->revision == 0 && st->attributes == 0, "record revision and attributes are 0");

  uint64_t last = st->stolen_time, first = last;
  bool monotonic = true;
  for (uint64_t i = 0; i < seconds * PRINTS_PER_SECOND; i++) {
    pit_delay_us(1000000 / PRINTS_PER_SECOND);
    uint64_t now = st->stolen_time;
    printf("pvtime: stolen %lu\n", now);
    if (now < last) {
      printf("pvtime: stolen time went back from %lu to %lu\n", last, now);
      monotonic = false;
    }
    last = now;
  }
  printf("pvtime: %lu ns stolen over %lu s\n", last - first, seconds);
  check(monotonic, "stolen time never decreases");
  return check_summary();
}
