/* psci: PSCI CPU power management through bothy's doorbell (Arm DEN0022 §5; KVM's behaviour in
 * shared/reference/kvm-fw-registers-and-smccc.md §4.4). Needs two vCPUs: starts APIC 1 with CPU_ON twice
 * (it reports its context, counts itself and calls CPU_OFF), then CPU_ON of an on CPU and of a missing one.
 * `end=off` / `end=reset` / `end=reset2` finish with SYSTEM_OFF / SYSTEM_RESET / SYSTEM_RESET2(0, 0). */
#include "runtime/runtime.h"

#define TARGET_APIC 1
#define TARGET_CPU 1
#define MISSING_APIC 200
#define WAIT_MS 2000

static volatile uint32_t ap_runs;
static volatile uint32_t ap_context_ok;
static volatile int32_t ap_affinity_seen = -100;

void guest_ap_main(unsigned cpu_index, uint32_t apic_id) {
  const struct psci_context *c = psci_cpu_context(cpu_index);
  bool ok = c && c->cpu_index == cpu_index && c->apic_id == apic_id && c->entry_gprs == 0 &&
            !(c->entry_flags & RFLAGS_IF) && c->entry_cs == KERNEL_CS && c->entry_ds == KERNEL_DS &&
            c->entry_ss == KERNEL_DS;
  if (ok) printf("psci: cpu %u on, context ok (start %u)\n", apic_id, c->starts);
  else if (!c) printf("psci: cpu %u on, context BAD (none)\n", apic_id);
  else
    printf("psci: cpu %u on, context BAD (cpu %u apic %u gprs|rsp 0x%lx rflags 0x%lx cs 0x%x ds 0x%x ss 0x%x)\n",
           apic_id, c->cpu_index, c->apic_id, c->entry_gprs, c->entry_flags, c->entry_cs, c->entry_ds,
           c->entry_ss);
  if (ok) __atomic_fetch_add(&ap_context_ok, 1, __ATOMIC_SEQ_CST);
  ap_affinity_seen = psci_affinity_info(apic_id);
  __atomic_fetch_add(&ap_runs, 1, __ATOMIC_SEQ_CST);
  int r = psci_cpu_off();
  printf("psci: cpu %u: CPU_OFF returned %d\n", apic_id, r);
}

static bool wait_runs(uint32_t want) {
  for (unsigned ms = 0; ap_runs < want && ms < WAIT_MS; ms++) pit_delay_us(1000);
  return ap_runs >= want;
}

/* The AP counts itself before CPU_OFF, so OFF may take a moment more to show. */
static int wait_off(uint32_t apic) {
  int a = psci_affinity_info(apic);
  for (unsigned ms = 0; a != PSCI_0_2_AFFINITY_LEVEL_OFF && ms < WAIT_MS; ms++) {
    pit_delay_us(1000);
    a = psci_affinity_info(apic);
  }
  return a;
}

static void start_target(unsigned round) {
  int r = psci_cpu_on(TARGET_APIC, TARGET_CPU);
  printf("psci: CPU_ON(%u) #%u = %d\n", TARGET_APIC, round, r);
  check(r == PSCI_RET_SUCCESS, "CPU_ON returns SUCCESS");
  bool ran = wait_runs(round);
  printf("psci: cpu %u ran %u time(s) (want %u), its AFFINITY_INFO(self) = %d\n", TARGET_APIC, ap_runs, round,
         ap_affinity_seen);
  check(ran, "started cpu ran guest_ap_main");
  check(ap_context_ok == round, "started cpu got its context");
  check(ap_affinity_seen == PSCI_0_2_AFFINITY_LEVEL_ON, "AFFINITY_INFO(self) on the started cpu is ON");
  int a = wait_off(TARGET_APIC);
  printf("psci: AFFINITY_INFO(%u) after CPU_OFF = %d\n", TARGET_APIC, a);
  check(a == PSCI_0_2_AFFINITY_LEVEL_OFF, "AFFINITY_INFO is OFF after CPU_OFF");
}

_Noreturn static void finish(void) {
  if (check_summary() != EXIT_OK) guest_exit(EXIT_FAIL);
  if (cmdline_has_word("end=off")) {
    printf("psci: SYSTEM_OFF\n");
    struct smccc_res r = smccc_call0(PSCI_0_2_FN_SYSTEM_OFF);
    printf("psci: SYSTEM_OFF returned %ld\n", smccc_a0(r));
    guest_exit(EXIT_UNREACHABLE);
  }
  if (cmdline_has_word("end=reset")) {
    printf("psci: SYSTEM_RESET\n");
    struct smccc_res r = smccc_call0(PSCI_0_2_FN_SYSTEM_RESET);
    printf("psci: SYSTEM_RESET returned %ld\n", smccc_a0(r));
    guest_exit(EXIT_UNREACHABLE);
  }
  if (cmdline_has_word("end=reset2")) {
    printf("psci: SYSTEM_RESET2(0, 0)\n");
    struct smccc_res r = smccc_call2(PSCI_1_1_FN64_SYSTEM_RESET2, PSCI_1_1_RESET_TYPE_SYSTEM_WARM_RESET, 0);
    printf("psci: SYSTEM_RESET2 returned %ld\n", smccc_a0(r));
    guest_exit(EXIT_UNREACHABLE);
  }
  guest_exit(EXIT_OK);
}

int guest_main(void) {
  check_begin("psci");
  if (acpi.cpu_count < 2) {
    printf("psci: needs 2 vCPUs, the MADT lists %u (run with --vcpus 2)\n", acpi.cpu_count);
    return EXIT_FAIL;
  }
  struct smccc_res v = smccc_call0(PSCI_0_2_FN_PSCI_VERSION);
  printf("psci: PSCI_VERSION = 0x%lx (%lu.%lu)\n", v.a0, v.a0 >> PSCI_VERSION_MAJOR_SHIFT,
         v.a0 & PSCI_VERSION_MINOR_MASK);
  check(v.a0 >= PSCI_VERSION(1, 0) && v.a0 <= 0xffffffffu, "PSCI_VERSION is 1.x");

  struct smccc_res f = smccc_call1(PSCI_1_0_FN_PSCI_FEATURES, PSCI_0_2_FN64_CPU_ON);
  printf("psci: PSCI_FEATURES(CPU_ON) = %ld\n", smccc_a0(f));
  check(smccc_a0(f) == PSCI_RET_SUCCESS, "PSCI_FEATURES(CPU_ON) is 0");

  int a = psci_affinity_info(TARGET_APIC);
  printf("psci: AFFINITY_INFO(%u) before CPU_ON = %d\n", TARGET_APIC, a);
  check(a == PSCI_0_2_AFFINITY_LEVEL_OFF, "AFFINITY_INFO is OFF before CPU_ON");

  start_target(1);
  start_target(2); /* a CPU that went through CPU_OFF must start again */

  uint32_t self = lapic_id();
  int r = psci_cpu_on(self, 0);
  printf("psci: CPU_ON(%u) of the calling cpu = %d\n", self, r);
  check(r == PSCI_RET_ALREADY_ON, "CPU_ON of an on cpu is ALREADY_ON");

  r = psci_cpu_on(MISSING_APIC, MAX_CPUS - 1);
  printf("psci: CPU_ON(%u) = %d\n", MISSING_APIC, r);
  check(r == PSCI_RET_INVALID_PARAMS, "CPU_ON of a missing cpu is INVALID_PARAMS");

  a = psci_affinity_info(MISSING_APIC);
  printf("psci: AFFINITY_INFO(%u) = %d\n", MISSING_APIC, a);
  check(a == PSCI_RET_INVALID_PARAMS, "AFFINITY_INFO of a missing cpu is INVALID_PARAMS");

  finish();
}
