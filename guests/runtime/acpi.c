/* Minimal ACPI walk: RSDP → XSDT (or RSDT) → FADT (SLEEP_CONTROL_REG) and MADT (Local APICs, IOAPIC,
 * Interrupt Source Overrides). ACPI 6.5 §5.2.5 (RSDP), §5.2.8 (XSDT), §5.2.9 (FADT), §5.2.12 (MADT). */
#include "internal.h"

struct acpi_rsdp {
  char signature[8];
  uint8_t checksum;
  char oem_id[6];
  uint8_t revision;
  uint32_t rsdt_address;
  uint32_t length;
  uint64_t xsdt_address;
  uint8_t extended_checksum;
  uint8_t reserved[3];
} __attribute__((packed));

struct acpi_sdt_header {
  char signature[4];
  uint32_t length;
  uint8_t revision;
  uint8_t checksum;
  char oem_id[6];
  char oem_table_id[8];
  uint32_t oem_revision;
  uint32_t creator_id;
  uint32_t creator_revision;
} __attribute__((packed));

/* FADT field offsets (ACPI 6.5 Table 5.9). */
#define FADT_SLEEP_CONTROL_REG 244

/* MADT (ACPI 6.5 §5.2.12): header, then Local Interrupt Controller Address and Flags, then entries. */
#define MADT_LOCAL_APIC_ADDRESS 36
#define MADT_ENTRIES 44
#define MADT_TYPE_LOCAL_APIC 0
#define MADT_TYPE_IOAPIC 1
#define MADT_TYPE_INTERRUPT_SOURCE_OVERRIDE 2
#define MADT_LAPIC_ENABLED 1

struct madt_local_apic {
  uint8_t type, length, acpi_processor_uid, apic_id;
  uint32_t flags;
} __attribute__((packed));
struct madt_ioapic {
  uint8_t type, length, ioapic_id, reserved;
  uint32_t address;
  uint32_t gsi_base;
} __attribute__((packed));
struct madt_iso {
  uint8_t type, length, bus, source;
  uint32_t gsi;
  uint16_t flags;
} __attribute__((packed));

#define BIOS_AREA_START 0xe0000
#define BIOS_AREA_END 0x100000

struct acpi_info acpi;

static uint8_t sum8(const void *p, size_t n) {
  const uint8_t *b = p;
  uint8_t s = 0;
  for (size_t i = 0; i < n; i++) s += b[i];
  return s;
}

static bool rsdp_valid(uint64_t addr) {
  const struct acpi_rsdp *r = (const void *)(uintptr_t)addr;
  return memcmp(r->signature, "RSD PTR ", 8) == 0 && sum8(r, 20) == 0;
}

static uint64_t find_rsdp(void) {
  if (boot_info.rsdp && rsdp_valid(boot_info.rsdp)) return boot_info.rsdp;
  for (uint64_t a = BIOS_AREA_START; a < BIOS_AREA_END; a += 16)
    if (rsdp_valid(a)) return a;
  return 0;
}

static void parse_fadt(const struct acpi_sdt_header *h) {
  if (h->length >= FADT_SLEEP_CONTROL_REG + sizeof(struct acpi_gas))
    memcpy(&acpi.sleep_control, (const uint8_t *)h + FADT_SLEEP_CONTROL_REG, sizeof(struct acpi_gas));
}

static void parse_madt(const struct acpi_sdt_header *h) {
  const uint8_t *base = (const uint8_t *)h;
  acpi.lapic_addr = *(const uint32_t *)(base + MADT_LOCAL_APIC_ADDRESS);
  bool have_ioapic = false;
  for (uint32_t off = MADT_ENTRIES; off + 2 <= h->length;) {
    uint8_t type = base[off], len = base[off + 1];
    if (len < 2 || off + len > h->length) break;
    const void *e = base + off;
    if (type == MADT_TYPE_LOCAL_APIC && len >= sizeof(struct madt_local_apic)) {
      const struct madt_local_apic *l = e;
      if ((l->flags & MADT_LAPIC_ENABLED) && acpi.cpu_count < MAX_CPUS) acpi.apic_ids[acpi.cpu_count++] = l->apic_id;
    } else if (type == MADT_TYPE_IOAPIC && len >= sizeof(struct madt_ioapic) && !have_ioapic) {
      const struct madt_ioapic *io = e;
      acpi.ioapic_addr = io->address;
      acpi.ioapic_gsi_base = io->gsi_base;
      have_ioapic = true;
    } else if (type == MADT_TYPE_INTERRUPT_SOURCE_OVERRIDE && len >= sizeof(struct madt_iso)) {
      const struct madt_iso *iso = e;
      if (iso->source < 16) {
        acpi.isa_gsi[iso->source] = iso->gsi;
        acpi.isa_flags[iso->source] = iso->flags;
      }
    }
    off += len;
  }
}

void acpi_init(void) {
  for (unsigned i = 0; i < 16; i++) acpi.isa_gsi[i] = i;
  acpi.lapic_addr = LAPIC_DEFAULT_BASE;
  acpi.ioapic_addr = IOAPIC_DEFAULT_BASE;
  acpi.rsdp = find_rsdp();
  if (!acpi.rsdp) return;
  const struct acpi_rsdp *r = (const void *)(uintptr_t)acpi.rsdp;
  acpi.root_is_xsdt = r->revision >= 2 && r->xsdt_address;
  acpi.root = acpi.root_is_xsdt ? r->xsdt_address : r->rsdt_address;
  if (!acpi.root) return;
  const struct acpi_sdt_header *root = (const void *)(uintptr_t)acpi.root;
  unsigned entry_size = acpi.root_is_xsdt ? 8 : 4;
  unsigned n = (root->length - sizeof(*root)) / entry_size;
  const uint8_t *entries = (const uint8_t *)root + sizeof(*root);
  for (unsigned i = 0; i < n; i++) {
    uint64_t addr = entry_size == 8 ? *(const uint64_t *)(entries + 8 * i) : *(const uint32_t *)(entries + 4 * i);
    const struct acpi_sdt_header *h = (const void *)(uintptr_t)addr;
    if (!addr) continue;
    if (memcmp(h->signature, "FACP", 4) == 0) {
      acpi.fadt = addr;
      parse_fadt(h);
    } else if (memcmp(h->signature, "APIC", 4) == 0) {
      acpi.madt = addr;
      parse_madt(h);
    }
  }
}
