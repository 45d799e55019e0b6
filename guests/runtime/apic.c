/* Local APIC (xAPIC MMIO, Intel SDM vol. 3A §11.4-11.6), IOAPIC redirection table (82093AA datasheet §3.2)
 * and masking of the legacy 8259 PICs so only IOAPIC/LAPIC interrupts arrive. */
#include "internal.h"

#define LAPIC_ID 0x20
#define LAPIC_TPR 0x80
#define LAPIC_EOI 0xb0
#define LAPIC_SVR 0xf0
#define LAPIC_ICR_LOW 0x300
#define LAPIC_ICR_HIGH 0x310
#define LAPIC_LVT_TIMER 0x320
#define LAPIC_LVT_LINT0 0x350
#define LAPIC_LVT_ERROR 0x370
#define LAPIC_SVR_ENABLE 0x100
#define LAPIC_LVT_MASKED 0x10000
#define LAPIC_ICR_PENDING 0x1000

#define IOAPIC_REGSEL 0x00
#define IOAPIC_WIN 0x10
#define IOAPIC_REDTBL(n) (0x10 + 2 * (n))

#define PIC1_DATA 0x21
#define PIC2_DATA 0xa1

/* MPS INTI flags (ACPI 6.5 Table 5.26): polarity bits 0-1, trigger mode bits 2-3. */
#define MPS_POLARITY_ACTIVE_LOW 3
#define MPS_TRIGGER_LEVEL (3 << 2)

static uint32_t lapic_read(uint32_t reg) { return mmio_read32(acpi.lapic_addr + reg); }
static void lapic_write(uint32_t reg, uint32_t v) { mmio_write32(acpi.lapic_addr + reg, v); }

void pic_disable(void) {
  outb(PIC1_DATA, 0xff);
  outb(PIC2_DATA, 0xff);
}

void lapic_init(void) {
  lapic_write(LAPIC_TPR, 0);
  lapic_write(LAPIC_LVT_TIMER, LAPIC_LVT_MASKED);
  /* Firmware may leave LINT0 in ExtINT mode; the 8259s are masked, but keep their path shut too. */
  lapic_write(LAPIC_LVT_LINT0, LAPIC_LVT_MASKED);
  lapic_write(LAPIC_LVT_ERROR, LAPIC_LVT_MASKED);
  lapic_write(LAPIC_SVR, LAPIC_SVR_ENABLE | VECTOR_SPURIOUS);
}

uint32_t lapic_id(void) { return lapic_read(LAPIC_ID) >> 24; }

void lapic_eoi(void) { lapic_write(LAPIC_EOI, 0); }

void lapic_send_ipi(uint32_t apic_id, uint32_t icr_low) {
  lapic_write(LAPIC_ICR_HIGH, apic_id << 24);
  lapic_write(LAPIC_ICR_LOW, icr_low);
  for (unsigned i = 0; i < 100000 && (lapic_read(LAPIC_ICR_LOW) & LAPIC_ICR_PENDING); i++) cpu_relax();
}

static void ioapic_write(uint32_t reg, uint32_t v) {
  mmio_write32(acpi.ioapic_addr + IOAPIC_REGSEL, reg);
  mmio_write32(acpi.ioapic_addr + IOAPIC_WIN, v);
}

static uint32_t ioapic_read(uint32_t reg) {
  mmio_write32(acpi.ioapic_addr + IOAPIC_REGSEL, reg);
  return mmio_read32(acpi.ioapic_addr + IOAPIC_WIN);
}

void ioapic_route(uint32_t gsi, uint8_t vector, uint32_t flags) {
  uint32_t pin = gsi - acpi.ioapic_gsi_base;
  ioapic_write(IOAPIC_REDTBL(pin) + 1, lapic_id() << 24);
  ioapic_write(IOAPIC_REDTBL(pin), vector | (flags & (IOAPIC_ACTIVE_LOW | IOAPIC_LEVEL)));
}

void ioapic_mask(uint32_t gsi, bool masked) {
  uint32_t pin = gsi - acpi.ioapic_gsi_base;
  uint32_t lo = ioapic_read(IOAPIC_REDTBL(pin));
  ioapic_write(IOAPIC_REDTBL(pin), masked ? lo | IOAPIC_MASKED : lo & ~IOAPIC_MASKED);
}

uint32_t isa_irq_gsi(uint8_t irq) { return irq < 16 ? acpi.isa_gsi[irq] : irq; }

/* ISA interrupts default to edge-triggered, active high unless an override says otherwise. */
uint32_t isa_irq_ioapic_flags(uint8_t irq) {
  uint16_t f = irq < 16 ? acpi.isa_flags[irq] : 0;
  uint32_t out = 0;
  if ((f & 3) == MPS_POLARITY_ACTIVE_LOW) out |= IOAPIC_ACTIVE_LOW;
  if ((f & (3 << 2)) == MPS_TRIGGER_LEVEL) out |= IOAPIC_LEVEL;
  return out;
}
