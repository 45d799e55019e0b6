/* The micro-guest runtime's API: what a program under guests/ may call. Ring-0 code is built
 * integer-only (kvm_pvm emulates CPL0 with an integer subset); heavy loops belong in run_user(). */
#ifndef GUEST_RUNTIME_H
#define GUEST_RUNTIME_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "layout.h"

/* ---- the program ---- */

/* Every program defines this; the runtime calls it on the BSP after setup and exits with its result. */
int guest_main(void);
/* Optional (weak): runs on each AP that smp_start_aps() brings up; the AP halts when it returns. */
void guest_ap_main(unsigned cpu_index, uint32_t apic_id);

/* ---- port I/O and CPU helpers ---- */

static inline void outb(uint16_t port, uint8_t v) { __asm__ volatile("outb %0, %1" ::"a"(v), "Nd"(port)); }
static inline void outw(uint16_t port, uint16_t v) { __asm__ volatile("outw %0, %1" ::"a"(v), "Nd"(port)); }
static inline void outl(uint16_t port, uint32_t v) { __asm__ volatile("outl %0, %1" ::"a"(v), "Nd"(port)); }
static inline uint8_t inb(uint16_t port) {
  uint8_t v;
  __asm__ volatile("inb %1, %0" : "=a"(v) : "Nd"(port));
  return v;
}
static inline uint16_t inw(uint16_t port) {
  uint16_t v;
  __asm__ volatile("inw %1, %0" : "=a"(v) : "Nd"(port));
  return v;
}
static inline uint32_t inl(uint16_t port) {
  uint32_t v;
  __asm__ volatile("inl %1, %0" : "=a"(v) : "Nd"(port));
  return v;
}
static inline uint32_t mmio_read32(uint64_t addr) { return *(volatile uint32_t *)(uintptr_t)addr; }
static inline void mmio_write32(uint64_t addr, uint32_t v) { *(volatile uint32_t *)(uintptr_t)addr = v; }
static inline void mmio_write8(uint64_t addr, uint8_t v) { *(volatile uint8_t *)(uintptr_t)addr = v; }

static inline void cpu_relax(void) { __asm__ volatile("pause" ::: "memory"); }
static inline void cli(void) { __asm__ volatile("cli" ::: "memory"); }
static inline void sti(void) { __asm__ volatile("sti" ::: "memory"); }
/* sti's one-instruction shadow makes "sti; hlt" wake-up safe: no interrupt slips in between. */
static inline void sti_hlt(void) { __asm__ volatile("sti; hlt" ::: "memory"); }
static inline uint64_t read_flags(void) {
  uint64_t f;
  __asm__ volatile("pushfq; popq %0" : "=r"(f)::"memory");
  return f;
}
static inline void write_flags(uint64_t f) { __asm__ volatile("pushq %0; popfq" ::"r"(f) : "memory", "cc"); }
static inline uint64_t rdmsr(uint32_t msr) {
  uint32_t lo, hi;
  __asm__ volatile("rdmsr" : "=a"(lo), "=d"(hi) : "c"(msr));
  return ((uint64_t)hi << 32) | lo;
}
#define RFLAGS_IF 0x200

/* ---- spinlock (xchg; locked instructions are atomic under kvm_pvm's emulator too) ---- */

typedef struct {
  volatile uint32_t locked;
} spinlock_t;
static inline void spin_lock(spinlock_t *l) {
  while (__atomic_exchange_n(&l->locked, 1, __ATOMIC_ACQUIRE))
    while (l->locked) cpu_relax();
}
static inline void spin_unlock(spinlock_t *l) { __atomic_store_n(&l->locked, 0, __ATOMIC_RELEASE); }

/* ---- console (COM1) ---- */

void serial_init(void);
void serial_putc(char c);
/* Every call prints atomically (a spinlock with interrupts off), so APs and IRQ handlers may print.
 * Supports %s %c %d %i %u %x %X %p %% with l/ll/z and a width with optional 0 flag; "\n" goes out as CRLF. */
int printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
int vprintf(const char *fmt, va_list ap);
/* For fatal paths: drops the print lock so a crash inside printf still reports. */
void console_break_lock(void);

/* ---- ending the VM ---- */

/* Writes `code` to the test-exit port 0x500 (bothy ends the VM with that code), then halts. */
_Noreturn void guest_exit(uint32_t code);
/* ACPI S5 through the FADT SLEEP_CONTROL_REG; exits EXIT_POWEROFF_FAILED if the VM is still running after 1 s. */
_Noreturn void poweroff(void);
_Noreturn void panic(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* ---- boot information, normalized from the zero page or PVH start info ---- */

#define BOOT_MEM_MAX 128
struct mem_range {
  uint64_t addr;
  uint64_t size;
  uint32_t type; /* E820 type: 1 RAM, 2 reserved, 3 ACPI, 4 NVS, 5 unusable, 7 pmem */
};
struct boot_info {
  uint32_t protocol; /* BOOT_PROTO_LINUX64 or BOOT_PROTO_PVH */
  const char *cmdline; /* never NULL */
  uint64_t rsdp;      /* 0 when the loader gave none */
  uint32_t mem_count;
  struct mem_range mem[BOOT_MEM_MAX];
  uint64_t setup_data; /* zero page hdr.setup_data: head of the struct setup_data list; 0 on PVH or none */
};
extern struct boot_info boot_info;
const char *e820_type_name(uint32_t type);
bool cmdline_has_word(const char *word);
/* `key=value` with a decimal or 0x-hex value. */
bool cmdline_get_u64(const char *key, uint64_t *out);

/* ---- setup_data (Linux boot protocol) and the flattened devicetree, read in place (fdt.c) ---- */

/* struct setup_data type of a flattened devicetree (arch/x86/include/uapi/asm/bootparam.h). */
#define SETUP_DTB 2
/* Payload of the first setup_data node of `type` and its length, or NULL (PVH entry, or no such node). */
const void *boot_setup_data(uint32_t type, uint32_t *len);

/* Devicetree Specification v0.4 ch. 5. Nodes are offsets into the structure block (as libfdt's);
 * FDT_NONE means absent. Every walk is bounds-checked against the header, so a bad blob ends it. */
#define FDT_NONE (-1)
/* Magic, version 17 layout, and that every block lies inside min(totalsize, max_size). */
bool fdt_check(const void *fdt, uint32_t max_size);
/* The first node after `after` (FDT_NONE: from the root, included) whose compatible list has `compatible`. */
int fdt_find_compatible(const void *fdt, int after, const char *compatible);
int fdt_node_by_phandle(const void *fdt, uint32_t phandle);
int fdt_parent(const void *fdt, int node);
/* A property's value and length, or NULL. */
const void *fdt_prop(const void *fdt, int node, const char *name, uint32_t *len);
/* A one-cell property, or `fallback` when it is absent or not 4 bytes. */
uint32_t fdt_prop_u32(const void *fdt, int node, const char *name, uint32_t fallback);
bool fdt_has_compatible(const void *fdt, int node, const char *compatible);
/* `reg` entry `index`, sized by the parent's #address-cells/#size-cells (defaults 2 and 1, spec §2.3.5;
 * at most 2 cells each). */
bool fdt_reg(const void *fdt, int node, unsigned index, uint64_t *addr, uint64_t *size);
/* The node's interrupt-parent, inherited from the nearest ancestor that has one (spec §2.4.1). */
int fdt_interrupt_parent(const void *fdt, int node);
/* A big-endian cell (FDT data is big-endian; no alignment assumed). */
uint32_t fdt32(const void *p);

/* ---- ACPI (RSDP → XSDT/RSDT → FADT, MADT) ---- */

struct acpi_gas {
  uint8_t space_id; /* 0 system memory, 1 system I/O */
  uint8_t bit_width;
  uint8_t bit_offset;
  uint8_t access_size;
  uint64_t address;
} __attribute__((packed));
#define ACPI_GAS_SYSTEM_MEMORY 0
#define ACPI_GAS_SYSTEM_IO 1

struct acpi_info {
  uint64_t rsdp;
  uint64_t root;      /* XSDT, or RSDT for a revision-0 RSDP */
  bool root_is_xsdt;
  uint64_t fadt;
  uint64_t madt;
  uint32_t cpu_count; /* enabled Processor Local APIC entries (0 without a MADT) */
  uint32_t apic_ids[MAX_CPUS];
  uint64_t lapic_addr;
  uint64_t ioapic_addr;
  uint32_t ioapic_gsi_base;
  uint32_t isa_gsi[16];   /* ISA IRQ → GSI after Interrupt Source Overrides */
  uint16_t isa_flags[16]; /* MPS INTI flags from the override (0 = bus default) */
  struct acpi_gas sleep_control; /* address 0 when absent */
};
extern struct acpi_info acpi;
void acpi_init(void);

/* ---- interrupts ---- */

typedef void (*irq_handler_t)(uint8_t vector);
void irq_set_handler(uint8_t vector, irq_handler_t fn);
void lapic_init(void);
uint32_t lapic_id(void);
void lapic_eoi(void);
/* Sends an IPI: `icr_low` is the ICR low word (vector | delivery mode | level ...). Waits for delivery. */
void lapic_send_ipi(uint32_t apic_id, uint32_t icr_low);

#define IOAPIC_ACTIVE_LOW (1u << 13)
#define IOAPIC_LEVEL (1u << 15)
#define IOAPIC_MASKED (1u << 16)
/* Routes a GSI to `vector` on the BSP (fixed delivery, physical destination) and unmasks it. */
void ioapic_route(uint32_t gsi, uint8_t vector, uint32_t flags);
void ioapic_mask(uint32_t gsi, bool masked);
/* GSI and IOAPIC polarity/trigger flags for an ISA IRQ, from the MADT's Interrupt Source Overrides. */
uint32_t isa_irq_gsi(uint8_t irq);
uint32_t isa_irq_ioapic_flags(uint8_t irq);

/* ---- PIT (8254) ---- */

#define PIT_HZ 1193182u
/* Channel 0 as a rate generator at `hz` (0 = slowest, ~18.2 Hz). Its interrupt stays masked until routed. */
void pit_init(uint32_t hz);
/* Busy-waits by polling channel 0's counter; gives up if the counter never moves (no PIT). */
void pit_delay_us(uint64_t us);

/* ---- ring 3 ---- */

/* Runs fn(arg) at CPL3 on the user stack (interrupt flag as the caller's) and returns its result.
 * fn returns into a ud2 that the #UD handler turns back into this return. Any other exception at CPL3
 * ends the call early: then user_last_fault() describes it. BSP only (one TSS). */
uint64_t run_user(uint64_t (*fn)(uint64_t), uint64_t arg);
struct user_fault {
  uint64_t vector;
  uint64_t error;
  uint64_t rip;
  uint64_t cr2; /* for #PF */
};
/* NULL when the last run_user() returned normally. */
const struct user_fault *user_last_fault(void);

/* ---- SMP ---- */

/* Starts every enabled AP the MADT lists (INIT, SIPI, SIPI through the trampoline), one at a time,
 * waiting up to `timeout_ms` for each. Returns how many came up. Each AP calls guest_ap_main(). */
unsigned smp_start_aps(unsigned timeout_ms);
/* The other way to start an AP, PSCI CPU_ON: psci_cpu_on() in hypercall.h, with every SMCCC call. */

/* ---- self-checks (check.c) ---- */

/* Names the program in every check line and resets the counts; call it before the first check. BSP only:
 * the counts are not atomic. */
void check_begin(const char *prefix);
/* Counts one check and prints "<prefix>: <what> ok" or "<prefix>: <what> FAIL". */
void check(bool ok, const char *what);
/* Counts one check whose result line the caller printed itself. */
void check_count(bool ok);
unsigned checks_run(void);
unsigned checks_passed(void);
/* Prints "<prefix>: <passed>/<run> ok"; EXIT_OK when every check passed (or none ran), else EXIT_FAIL. */
int check_summary(void);

/* ---- freestanding C library bits the compiler may call ---- */

void *memcpy(void *dst, const void *src, size_t n);
void *memset(void *dst, int c, size_t n);
void *memmove(void *dst, const void *src, size_t n);
int memcmp(const void *a, const void *b, size_t n);
size_t strlen(const char *s);
int strncmp(const char *a, const char *b, size_t n);

#include "hypercall.h"

#endif
