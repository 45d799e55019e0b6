/* AP start-up with INIT, SIPI, SIPI (Intel SDM vol. 3A §9.4.4.1, MP initialization example) through the
 * real-mode trampoline in trampoline.S, one AP at a time so each can take the trampoline's stack slot. */
#include "internal.h"

#define ICR_INIT 0x00000500
#define ICR_STARTUP 0x00000600
#define ICR_LEVEL_ASSERT 0x00004000

static volatile uint32_t aps_alive;

__attribute__((weak)) void guest_ap_main(unsigned cpu_index, uint32_t apic_id) {
  (void)cpu_index;
  (void)apic_id;
}

void ap_run(uint32_t cpu_index) {
  idt_load();
  lapic_init();
  __atomic_fetch_add(&aps_alive, 1, __ATOMIC_SEQ_CST);
  guest_ap_main(cpu_index, lapic_id());
}

void ap_start(uint32_t cpu_index) {
  ap_run(cpu_index);
  for (;;) __asm__ volatile("cli; hlt");
}

static void tramp_write32(uint32_t off, uint32_t v) { *(volatile uint32_t *)(uintptr_t)(TRAMPOLINE_ADDR + off) = v; }

static void tramp_setup(void) {
  memcpy((void *)(uintptr_t)TRAMPOLINE_ADDR, tramp_start, (size_t)(tramp_end - tramp_start));
  uint64_t cr0, cr3, cr4;
  __asm__ volatile("mov %%cr0, %0" : "=r"(cr0));
  __asm__ volatile("mov %%cr3, %0" : "=r"(cr3));
  __asm__ volatile("mov %%cr4, %0" : "=r"(cr4));
  *(volatile uint16_t *)(uintptr_t)(TRAMPOLINE_ADDR + TRAMP_GDTR) = gdt_ptr.limit;
  tramp_write32(TRAMP_GDTR + 2, (uint32_t)gdt_ptr.base);
  tramp_write32(TRAMP_CR3, (uint32_t)cr3);
  tramp_write32(TRAMP_CR4, (uint32_t)cr4);
  tramp_write32(TRAMP_EFER, (uint32_t)(rdmsr(MSR_EFER) & ~(uint64_t)EFER_LMA));
  tramp_write32(TRAMP_CR0, (uint32_t)cr0);
}

static bool wait_alive(uint32_t before, uint64_t timeout_us) {
  const uint64_t step = 1000;
  for (uint64_t t = 0; t < timeout_us; t += step) {
    if (aps_alive != before) return true;
    pit_delay_us(step);
  }
  return aps_alive != before;
}

unsigned smp_start_aps(unsigned timeout_ms) {
  uint32_t bsp = lapic_id();
  unsigned next = 1, started = 0;
  tramp_setup();
  for (uint32_t i = 0; i < acpi.cpu_count && next < MAX_CPUS; i++) {
    uint32_t id = acpi.apic_ids[i];
    if (id == bsp) continue;
    unsigned idx = next++;
    *(volatile uint64_t *)(uintptr_t)(TRAMPOLINE_ADDR + TRAMP_STACK) = (uintptr_t)ap_stacks[idx] + AP_STACK_SIZE;
    tramp_write32(TRAMP_CPU, idx);
    uint32_t before = aps_alive;
    lapic_send_ipi(id, ICR_INIT | ICR_LEVEL_ASSERT);
    pit_delay_us(10000);
    lapic_send_ipi(id, ICR_STARTUP | (TRAMPOLINE_ADDR >> 12));
    if (!wait_alive(before, 1000)) lapic_send_ipi(id, ICR_STARTUP | (TRAMPOLINE_ADDR >> 12));
    if (wait_alive(before, (uint64_t)timeout_ms * 1000)) started++;
    else printf("smp: cpu %u (apic id %u) did not start\n", idx, id);
  }
  return started;
}
