/* Declarations shared between runtime files only (programs include runtime.h). */
#ifndef GUEST_INTERNAL_H
#define GUEST_INTERNAL_H

#include "runtime.h"

#define LAPIC_DEFAULT_BASE 0xfee00000u
#define IOAPIC_DEFAULT_BASE 0xfec00000u

void boot_info_init(uint32_t protocol, uint64_t info);
void cpu_init(void);
void idt_load(void);
void pic_disable(void);
void runtime_start(uint32_t protocol, uint64_t info);
void ap_start(uint32_t cpu_index);
/* An AP's common life: IDT, LAPIC, guest_ap_main(); returns when that does (the caller decides how to stop). */
void ap_run(uint32_t cpu_index);

/* Symbols from the assembly files and the linker script. */
extern uint64_t gdt[GDT_ENTRIES];
extern const struct {
  uint16_t limit;
  uint64_t base;
} __attribute__((packed)) gdt_ptr;
extern uint8_t boot_pml4[];
extern char isr_stubs[];
extern char user_exit[];
extern char exc_stack_top[];
extern char tramp_start[], tramp_end[];
extern uint8_t ap_stacks[MAX_CPUS][AP_STACK_SIZE]; /* trampoline.S, not loaded or zeroed */
extern char psci_cpu_entry[];                       /* psci.S */
extern struct psci_context psci_contexts[MAX_CPUS]; /* psci.S, in .data */
_Noreturn void user_resume(uint64_t value);

#endif
