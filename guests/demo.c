/* demo: what `bothy run` boots by default. Prints the boot information it was given (e820 map, CPU count
 * from the MADT, ACPI root, command line), then powers off through ACPI, or with `idle` on the command
 * line keeps printing "tick N" once a second from PIT interrupts until the VM is stopped. */
#include "runtime/runtime.h"

#define TICK_HZ 100

static volatile uint64_t ticks;

static void on_tick(uint8_t vector) {
  (void)vector;
  ticks++;
}

static void idle(void) {
  uint8_t irq = 0; /* PIT channel 0 */
  uint32_t gsi = isa_irq_gsi(irq);
  irq_set_handler(IRQ_VECTOR(gsi), on_tick);
  ioapic_route(gsi, IRQ_VECTOR(gsi), isa_irq_ioapic_flags(irq));
  /* Without an override in the MADT the PIT may still be on pin 2: KVM's default routing uses pin 0 (bothy),
   * QEMU wires IRQ0 to pin 2 without saying so on microvm. Pin 2 (the ISA cascade) carries nothing else. */
  if (gsi == 0) {
    irq_set_handler(IRQ_VECTOR(2), on_tick);
    ioapic_route(2, IRQ_VECTOR(2), 0);
  }
  pit_init(TICK_HZ);
  printf("idle: PIT at %u Hz on GSI %u%s\n", TICK_HZ, gsi, gsi == 0 ? " (or 2)" : "");
  for (uint64_t n = 1;; n++) {
    cli();
    while (ticks < n * TICK_HZ) {
      sti_hlt();
      cli();
    }
    sti();
    printf("tick %lu\n", n);
  }
}

int guest_main(void) {
  printf("bothy demo guest\n");
  printf("boot: %s entry\n", boot_info.protocol == BOOT_PROTO_PVH ? "PVH 32-bit" : "Linux 64-bit");
  for (uint32_t i = 0; i < boot_info.mem_count; i++) {
    const struct mem_range *m = &boot_info.mem[i];
    printf("e820: 0x%016lx-0x%016lx %s (%u)\n", m->addr, m->addr + m->size - 1, e820_type_name(m->type), m->type);
  }
  if (acpi.madt) printf("cpus: %u\n", acpi.cpu_count);
  else printf("cpus: 1 (no MADT)\n");
  if (acpi.rsdp)
    printf("acpi: RSDP at 0x%lx (%s 0x%lx)\n", acpi.rsdp, acpi.root_is_xsdt ? "XSDT" : "RSDT", acpi.root);
  else printf("acpi: no RSDP\n");
  printf("cmdline: %s\n", boot_info.cmdline);
  if (cmdline_has_word("idle")) idle();
  printf("demo: powering off\n");
  poweroff();
}
