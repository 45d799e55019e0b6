/* Fixed numbers of the micro-guest runtime, shared by its assembly and C: selectors of the runtime's own
 * GDT, the AP trampoline page and its data offsets, interrupt vectors and test-exit codes.
 * Guest-visible addresses of the VM itself mirror bothy's src/arch/x86_64/layout.ts. */
#ifndef GUEST_LAYOUT_H
#define GUEST_LAYOUT_H

/* Runtime GDT (entry.S): 0x10/0x18 keep the boot GDT's kernel selectors. */
#define KERNEL_CS 0x10
#define KERNEL_DS 0x18
#define USER_DS 0x23 /* index 4, RPL 3 */
#define USER_CS 0x2b /* index 5, RPL 3 */
#define TSS_SEL 0x30 /* index 6-7 (a 16-byte system descriptor) */
#define GDT_ENTRIES 8

/* Architectural control bits used before C runs. */
#define CR0_PE 0x1
#define CR0_MP 0x2
#define CR0_EM 0x4
#define CR0_TS 0x8
#define CR0_NE 0x20
#define CR0_WP 0x10000
#define CR0_PG 0x80000000
#define CR4_PAE 0x20
#define CR4_OSFXSR 0x200
#define CR4_OSXMMEXCPT 0x400
#define MSR_EFER 0xc0000080
#define EFER_LME 0x100
#define EFER_LMA 0x400

/* How the runtime was entered (runtime_start's first argument). */
#define BOOT_PROTO_LINUX64 1
#define BOOT_PROTO_PVH 2

/* The AP real-mode trampoline is copied here (page aligned, in [0x10000, 0x1f000], below bothy's
 * command line at 0x20000); SIPI vector = address >> 12. Its data block sits at fixed offsets. */
#define TRAMPOLINE_ADDR 0x10000
#define TRAMP_GDTR 0x80  /* u16 limit, u32 base */
#define TRAMP_CR3 0x88   /* u32 */
#define TRAMP_CR4 0x8c   /* u32 */
#define TRAMP_EFER 0x90  /* u32 */
#define TRAMP_CR0 0x94   /* u32 */
#define TRAMP_STACK 0x98 /* u64 */
#define TRAMP_CPU 0xa0   /* u32 cpu index */
#define TRAMP_SIZE 0xa8

#define MAX_CPUS 64
#define BSP_STACK_SIZE 16384
#define EXC_STACK_SIZE 16384
#define AP_STACK_SIZE 8192
#define USER_STACK_SIZE 65536

/* bothy's hypercall doorbell: `outl %eax, $HYPERCALL_PORT` at CPL0 with an SMCCC function id in EAX
 * (PORTS.HYPERCALL in src/arch/x86_64/layout.ts; the ABI is docs/hypercalls.md, the C side hypercall.h). */
#define HYPERCALL_PORT 0xe4
/* PV-time stolen-time records, 64 bytes per vCPU from here (LAYOUT.PVTIME_START), identity mapped. */
#define PVTIME_START 0xdb000
#define PVTIME_RECORD_SIZE 64

/* A CPU that PSCI CPU_ON starts at psci_cpu_entry gets RAX = a struct psci_context (hypercall.h) in
 * psci_contexts[]; these are its field offsets for the assembly. */
#define PSCI_CTX_STACK_TOP 0x00   /* u64, read at entry */
#define PSCI_CTX_ENTRY_GPRS 0x08  /* u64, OR of RBX..R15 and RSP as the CPU arrived */
#define PSCI_CTX_ENTRY_FLAGS 0x10 /* u64, RFLAGS as the CPU arrived */
#define PSCI_CTX_ENTRY_CS 0x18    /* u16 */
#define PSCI_CTX_ENTRY_DS 0x1a    /* u16 */
#define PSCI_CTX_ENTRY_SS 0x1c    /* u16 */
#define PSCI_CTX_CPU 0x20         /* u32 cpu index */
#define PSCI_CTX_APIC 0x24        /* u32 the APIC id CPU_ON named */
#define PSCI_CTX_MAGIC 0x28       /* u32 PSCI_CONTEXT_MAGIC once prepared */
#define PSCI_CTX_STARTS 0x2c      /* u32 entries through psci_cpu_entry */
#define PSCI_CTX_SIZE 0x40        /* a power of two: the entry checks alignment with a mask */
#define PSCI_CONTEXT_MAGIC 0x50534349 /* "PSCI" */

/* Interrupt vectors: IOAPIC GSI n is routed to IRQ_VECTOR(n). */
#define IRQ_VECTOR_BASE 0x20
#define IRQ_VECTOR(gsi) (IRQ_VECTOR_BASE + (gsi))
#define VECTOR_SPURIOUS 0xff

/* Test-exit codes (a 32-bit outl to port 0x500). */
#define EXIT_OK 0
#define EXIT_FAIL 1
#define EXIT_POWEROFF_FAILED 2
#define EXIT_UNREACHABLE 3
/* + vector, for an unexpected exception at CPL0: 160-191 stays clear of bothy's own exit codes
 * (64-70, 124, 130) and of the shell's 128 + standard-signal range (129-159). */
#define EXIT_EXCEPTION_BASE 0xa0

#endif
