/* CPU tables and traps: the TSS (RSP0 for traps from ring 3), the IDT over the isr.S stubs, exception
 * reports, IRQ dispatch with LAPIC EOI, and the ring-3 return/fault path of run_user().
 * Intel SDM vol. 3A §6.14 (64-bit IDT), §7.7 (64-bit TSS). */
#include "internal.h"

struct tss64 {
  uint32_t reserved0;
  uint64_t rsp[3];
  uint64_t reserved1;
  uint64_t ist[7];
  uint64_t reserved2;
  uint16_t reserved3;
  uint16_t iomap_base;
} __attribute__((packed));

struct idt_gate {
  uint16_t offset_low;
  uint16_t selector;
  uint8_t ist;
  uint8_t type_attr;
  uint16_t offset_mid;
  uint32_t offset_high;
  uint32_t reserved;
} __attribute__((packed));

/* Layout pushed by isr.S (isr_common) on top of the CPU's interrupt frame. */
struct trap_frame {
  uint64_t rax, rbx, rcx, rdx, rsi, rdi, rbp, r8, r9, r10, r11, r12, r13, r14, r15;
  uint64_t vector, error;
  uint64_t rip, cs, rflags, rsp, ss;
};

#define IDT_INTERRUPT_GATE 0x8e /* present, DPL 0, 64-bit interrupt gate */
#define TSS_AVAILABLE 0x89      /* present, 64-bit available TSS */
#define ISR_STUB_SIZE 16
#define VECTOR_UD 6
#define VECTOR_PF 14

static struct tss64 tss;
static struct idt_gate idt[256];
static irq_handler_t irq_handlers[256];
static struct user_fault last_fault;
static bool last_run_faulted;

static const char *const exception_names[32] = {
    "#DE", "#DB", "NMI", "#BP", "#OF", "#BR", "#UD", "#NM", "#DF", "#MF(9)", "#TS", "#NP", "#SS", "#GP", "#PF", "15",
    "#MF", "#AC", "#MC", "#XM", "#VE", "#CP", "22",  "23",  "24",  "25",     "26",  "27",  "28",  "#VC", "#SX", "31",
};

void idt_load(void) {
  struct {
    uint16_t limit;
    uint64_t base;
  } __attribute__((packed)) idtr = {sizeof(idt) - 1, (uintptr_t)idt};
  __asm__ volatile("lidt %0" ::"m"(idtr));
}

void cpu_init(void) {
  tss.rsp[0] = (uintptr_t)exc_stack_top;
  tss.iomap_base = sizeof(tss); /* no I/O bitmap: ring 3 may not use ports */
  uint64_t base = (uintptr_t)&tss, limit = sizeof(tss) - 1;
  gdt[TSS_SEL / 8] = (limit & 0xffff) | ((base & 0xffffff) << 16) | ((uint64_t)TSS_AVAILABLE << 40) |
                     ((limit >> 16 & 0xf) << 48) | ((base >> 24 & 0xff) << 56);
  gdt[TSS_SEL / 8 + 1] = base >> 32;
  __asm__ volatile("ltr %w0" ::"r"(TSS_SEL));

  for (unsigned v = 0; v < 256; v++) {
    uint64_t a = (uintptr_t)isr_stubs + v * ISR_STUB_SIZE;
    idt[v] = (struct idt_gate){
        .offset_low = (uint16_t)a,
        .selector = KERNEL_CS,
        .type_attr = IDT_INTERRUPT_GATE,
        .offset_mid = (uint16_t)(a >> 16),
        .offset_high = (uint32_t)(a >> 32),
    };
  }
  idt_load();
}

void irq_set_handler(uint8_t vector, irq_handler_t fn) { irq_handlers[vector] = fn; }

const struct user_fault *user_last_fault(void) { return last_run_faulted ? &last_fault : NULL; }

static uint64_t read_cr2(void) {
  uint64_t v;
  __asm__ volatile("mov %%cr2, %0" : "=r"(v));
  return v;
}

_Noreturn static void user_trap(struct trap_frame *f) {
  if (f->vector == VECTOR_UD && f->rip == (uintptr_t)user_exit) {
    last_run_faulted = false;
    user_resume(f->rax);
  }
  last_fault = (struct user_fault){
      .vector = f->vector,
      .error = f->error,
      .rip = f->rip,
      .cr2 = f->vector == VECTOR_PF ? read_cr2() : 0,
  };
  last_run_faulted = true;
  user_resume(0);
}

_Noreturn static void fatal_exception(struct trap_frame *f) {
  console_break_lock();
  printf("exception %lu (%s) err=0x%lx rip=0x%lx rsp=0x%lx", f->vector, exception_names[f->vector], f->error, f->rip,
         f->rsp);
  if (f->vector == VECTOR_PF) printf(" cr2=0x%lx", read_cr2());
  printf(" cpu=%u\n", lapic_id());
  guest_exit(EXIT_EXCEPTION_BASE + (uint32_t)f->vector);
}

void isr_dispatch(struct trap_frame *f);
void isr_dispatch(struct trap_frame *f) {
  uint64_t v = f->vector;
  if (v < 32) {
    if ((f->cs & 3) == 3) user_trap(f);
    fatal_exception(f);
  }
  if (v == VECTOR_SPURIOUS) return;
  irq_handler_t h = irq_handlers[v];
  if (h) h((uint8_t)v);
  else printf("irq: unexpected vector 0x%lx\n", v);
  lapic_eoi();
}
