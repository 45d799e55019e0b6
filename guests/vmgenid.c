/* vmgenid: finds the VM Generation ID through the DTB the loader passed as setup_data (Linux binding
 * microsoft,vmgenid: `reg` = the 16 ID bytes, one IOAPIC interrupt), prints it, then prints it again from
 * its change notification and once a second next to a counter that lives in guest memory. */
#include "runtime/runtime.h"

#define TICK_HZ 100
#define VMGENID_COMPATIBLE "microsoft,vmgenid"
#define VMGENID_SIZE 16
#define IOAPIC_COMPATIBLE "intel,ce4100-ioapic"
#define IOAPIC_INTERRUPT_CELLS 2
#define UUID_TEXT_SIZE 37 /* 8-4-4-4-12 and a NUL */

/* intel,ce4100-ioapic's second interrupt cell indexes Linux's of_ioapic_type[] (arch/x86/kernel/devicetree.c),
 * not the generic IRQ_TYPE_* numbers: 0 edge falling, 1 level high, 2 level low, 3 edge rising. */
static const uint32_t ioapic_sense_flags[] = {
    IOAPIC_ACTIVE_LOW,
    IOAPIC_LEVEL,
    IOAPIC_LEVEL | IOAPIC_ACTIVE_LOW,
    0,
};
#define IOAPIC_SENSE_COUNT (sizeof ioapic_sense_flags / sizeof ioapic_sense_flags[0])

static uint64_t id_addr;
static volatile uint64_t ticks;
static volatile uint64_t irqs;
/* The seconds counter lives in memory, not in a register or on the stack of a loop, so a restored
 * snapshot visibly carries on from where it was taken. */
static volatile uint64_t seconds;

/* The 16 bytes are a Microsoft GUID (Data1-3 little-endian, Data4 bytes), as QEMU stores them: the text
 * form reads Data1-3 most significant byte first. */
static void read_id(char out[UUID_TEXT_SIZE]) {
  static const uint8_t text_order[VMGENID_SIZE] = {3, 2, 1, 0, 5, 4, 7, 6, 8, 9, 10, 11, 12, 13, 14, 15};
  static const char digits[] = "0123456789abcdef";
  const volatile uint8_t *id = (const volatile uint8_t *)(uintptr_t)id_addr;
  uint8_t b[VMGENID_SIZE];
  for (unsigned i = 0; i < VMGENID_SIZE; i++) b[i] = id[i];
  unsigned n = 0;
  for (unsigned i = 0; i < VMGENID_SIZE; i++) {
    if (i == 4 || i == 6 || i == 8 || i == 10) out[n++] = '-';
    uint8_t v = b[text_order[i]];
    out[n++] = digits[v >> 4];
    out[n++] = digits[v & 0xf];
  }
  out[n] = 0;
}

static void on_vmgenid(uint8_t vector) {
  (void)vector;
  char id[UUID_TEXT_SIZE];
  read_id(id);
  irqs++;
  printf("vmgenid: interrupt %lu new id %s\n", irqs, id);
}

static void on_tick(uint8_t vector) {
  (void)vector;
  ticks++;
}

struct vmgenid_node {
  uint64_t addr;
  uint32_t gsi;
  uint32_t ioapic_flags;
};

static bool find_vmgenid(struct vmgenid_node *out) {
  uint32_t len = 0;
  const void *dtb = boot_setup_data(SETUP_DTB, &len);
  if (!dtb) {
    printf("vmgenid: no DTB\n");
    return false;
  }
  if (!fdt_check(dtb, len)) {
    printf("vmgenid: the SETUP_DTB node (%u bytes at 0x%lx) is not a version-17 devicetree\n", len,
           (uint64_t)(uintptr_t)dtb);
    return false;
  }
  int node = fdt_find_compatible(dtb, FDT_NONE, VMGENID_COMPATIBLE);
  if (node == FDT_NONE) {
    printf("vmgenid: no %s node in the DTB\n", VMGENID_COMPATIBLE);
    return false;
  }
  uint64_t size = 0;
  if (!fdt_reg(dtb, node, 0, &out->addr, &size) || size < VMGENID_SIZE) {
    printf("vmgenid: the node's reg does not hold %u bytes\n", VMGENID_SIZE);
    return false;
  }
  int ioapic = fdt_interrupt_parent(dtb, node);
  if (ioapic == FDT_NONE || !fdt_has_compatible(dtb, ioapic, IOAPIC_COMPATIBLE) ||
      fdt_prop_u32(dtb, ioapic, "#interrupt-cells", 0) != IOAPIC_INTERRUPT_CELLS) {
    printf("vmgenid: the node's interrupt-parent is not an %s with %u interrupt cells\n", IOAPIC_COMPATIBLE,
           IOAPIC_INTERRUPT_CELLS);
    return false;
  }
  uint32_t ilen = 0;
  const uint8_t *irq = fdt_prop(dtb, node, "interrupts", &ilen);
  if (!irq || ilen < 4 * IOAPIC_INTERRUPT_CELLS || fdt32(irq + 4) >= IOAPIC_SENSE_COUNT ||
      IRQ_VECTOR(fdt32(irq)) >= VECTOR_SPURIOUS) {
    printf("vmgenid: the node's interrupts is not <gsi sense> for the IOAPIC\n");
    return false;
  }
  out->gsi = fdt32(irq);
  out->ioapic_flags = ioapic_sense_flags[fdt32(irq + 4)];
  return true;
}

/* PIT channel 0 at TICK_HZ, routed as demo does (pin 0 under KVM, pin 2 on QEMU's microvm). */
static uint32_t start_pit(uint32_t vmgenid_gsi) {
  uint8_t irq = 0;
  uint32_t gsi = isa_irq_gsi(irq);
  irq_set_handler(IRQ_VECTOR(gsi), on_tick);
  ioapic_route(gsi, IRQ_VECTOR(gsi), isa_irq_ioapic_flags(irq));
  if (gsi == 0 && vmgenid_gsi != 2) {
    irq_set_handler(IRQ_VECTOR(2), on_tick);
    ioapic_route(2, IRQ_VECTOR(2), 0);
  }
  pit_init(TICK_HZ);
  return gsi;
}

int guest_main(void) {
  struct vmgenid_node vg;
  if (!find_vmgenid(&vg)) return EXIT_FAIL;
  id_addr = vg.addr;
  char id[UUID_TEXT_SIZE];
  read_id(id);
  printf("vmgenid: id %s at 0x%lx gsi %u\n", id, vg.addr, vg.gsi);
  if (cmdline_has_word("once")) return EXIT_OK;

  irq_set_handler(IRQ_VECTOR(vg.gsi), on_vmgenid);
  ioapic_route(vg.gsi, IRQ_VECTOR(vg.gsi), vg.ioapic_flags);
  uint32_t pit_gsi = start_pit(vg.gsi);
  printf("vmgenid: notification on vector 0x%x; PIT at %u Hz on GSI %u\n", IRQ_VECTOR(vg.gsi), TICK_HZ, pit_gsi);
  for (;;) {
    cli();
    while (ticks < (seconds + 1) * TICK_HZ) {
      sti_hlt();
      cli();
    }
    seconds++;
    sti();
    read_id(id);
    printf("vmgenid tick %lu id %s irqs %lu\n", seconds, id, irqs);
  }
}
