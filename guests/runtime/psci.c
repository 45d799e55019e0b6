/* Starting and stopping CPUs with PSCI (Arm DEN0022: CPU_ON §5.6, CPU_OFF §5.5, AFFINITY_INFO §5.7)
 * through bothy's hypercall doorbell; psci.S is where CPU_ON lands. */
#include "internal.h"

_Static_assert(sizeof(struct psci_context) == PSCI_CTX_SIZE, "psci_context size");
_Static_assert(__builtin_offsetof(struct psci_context, stack_top) == PSCI_CTX_STACK_TOP, "stack_top");
_Static_assert(__builtin_offsetof(struct psci_context, entry_gprs) == PSCI_CTX_ENTRY_GPRS, "entry_gprs");
_Static_assert(__builtin_offsetof(struct psci_context, entry_flags) == PSCI_CTX_ENTRY_FLAGS, "entry_flags");
_Static_assert(__builtin_offsetof(struct psci_context, entry_cs) == PSCI_CTX_ENTRY_CS, "entry_cs");
_Static_assert(__builtin_offsetof(struct psci_context, entry_ds) == PSCI_CTX_ENTRY_DS, "entry_ds");
_Static_assert(__builtin_offsetof(struct psci_context, entry_ss) == PSCI_CTX_ENTRY_SS, "entry_ss");
_Static_assert(__builtin_offsetof(struct psci_context, cpu_index) == PSCI_CTX_CPU, "cpu_index");
_Static_assert(__builtin_offsetof(struct psci_context, apic_id) == PSCI_CTX_APIC, "apic_id");
_Static_assert(__builtin_offsetof(struct psci_context, magic) == PSCI_CTX_MAGIC, "magic");
_Static_assert(__builtin_offsetof(struct psci_context, starts) == PSCI_CTX_STARTS, "starts");

int psci_cpu_on(uint32_t apic_id, unsigned cpu_index) {
  if (cpu_index >= MAX_CPUS) return PSCI_RET_INVALID_PARAMS;
  struct psci_context *c = &psci_contexts[cpu_index];
  c->stack_top = (uintptr_t)ap_stacks[cpu_index] + AP_STACK_SIZE;
  c->cpu_index = cpu_index;
  c->apic_id = apic_id;
  c->magic = PSCI_CONTEXT_MAGIC;
  /* The 64-bit form: entry and context are addresses (the 32-bit form truncates x1..x3). */
  struct smccc_res r = smccc_call3(PSCI_0_2_FN64_CPU_ON, apic_id, (uintptr_t)psci_cpu_entry, (uintptr_t)c);
  return (int)(int64_t)r.a0;
}

const struct psci_context *psci_cpu_context(unsigned cpu_index) {
  if (cpu_index >= MAX_CPUS) return NULL;
  const struct psci_context *c = &psci_contexts[cpu_index];
  return c->magic == PSCI_CONTEXT_MAGIC && c->starts ? c : NULL;
}

int psci_cpu_off(void) { return (int)(int64_t)smccc_call0(PSCI_0_2_FN_CPU_OFF).a0; }

int psci_affinity_info(uint32_t apic_id) {
  return (int)(int64_t)smccc_call2(PSCI_0_2_FN64_AFFINITY_INFO, apic_id, 0).a0;
}

/* psci.S calls this on the context's stack with the runtime's GDT and page tables loaded. */
_Noreturn void psci_ap_start(struct psci_context *c);
_Noreturn void psci_ap_start(struct psci_context *c) {
  __atomic_fetch_add(&c->starts, 1, __ATOMIC_SEQ_CST);
  ap_run(c->cpu_index);
  /* A PSCI CPU that is done goes back to OFF, so CPU_ON can start it again. */
  int r = psci_cpu_off();
  printf("psci: cpu %u: CPU_OFF returned %d\n", c->cpu_index, r);
  for (;;) __asm__ volatile("cli; hlt");
}

/* psci.S calls this on a spare stack when RAX was not a prepared psci_contexts[] entry. */
_Noreturn void psci_bad_context(uint64_t context_id);
_Noreturn void psci_bad_context(uint64_t context_id) {
  panic("psci: a CPU came up at psci_cpu_entry with context id 0x%lx, not a prepared context (0x%lx..0x%lx)",
        context_id, (uint64_t)(uintptr_t)psci_contexts, (uint64_t)(uintptr_t)(psci_contexts + MAX_CPUS));
}
