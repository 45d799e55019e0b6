/* Landing of a CPU started by PSCI CPU_ON (PSCI DEN0022 §5.6; bothy's x86 form in docs/hypercalls.md):
 * long mode on bothy's boot GDT and page tables, interrupts off, RAX = context id, every other GPR and
 * RSP zero. The context id must be one of psci_contexts[] (psci.c prepares it) before anything uses it. */
#include "layout.h"

        .section .text
        .code64
        .globl  psci_cpu_entry
psci_cpu_entry:
        /* Record what the CPU arrived with before any register is used: RBX collects the rest. */
        or      %rcx, %rbx
        or      %rdx, %rbx
        or      %rsi, %rbx
        or      %rdi, %rbx
        or      %rbp, %rbx
        or      %r8, %rbx
        or      %r9, %rbx
        or      %r10, %rbx
        or      %r11, %rbx
        or      %r12, %rbx
        or      %r13, %rbx
        or      %r14, %rbx
        or      %r15, %rbx
        mov     %rsp, %rcx
        or      %rcx, %rbx
        /* A wrong context id must not become a stack pointer: range, alignment and magic first. */
        mov     %rax, %rcx
        sub     $psci_contexts, %rcx
        jb      bad
        cmp     $(MAX_CPUS * PSCI_CTX_SIZE), %rcx
        jae     bad
        test    $(PSCI_CTX_SIZE - 1), %rcx
        jnz     bad
        cmpl    $PSCI_CONTEXT_MAGIC, PSCI_CTX_MAGIC(%rax)
        jne     bad
        mov     PSCI_CTX_STACK_TOP(%rax), %rsp
        mov     %rbx, PSCI_CTX_ENTRY_GPRS(%rax)
        mov     %cs, %ecx
        mov     %cx, PSCI_CTX_ENTRY_CS(%rax)
        mov     %ds, %ecx
        mov     %cx, PSCI_CTX_ENTRY_DS(%rax)
        mov     %ss, %ecx
        mov     %cx, PSCI_CTX_ENTRY_SS(%rax)
        pushfq
        popq    PSCI_CTX_ENTRY_FLAGS(%rax)
        /* From here on the runtime's own GDT and page tables, as every other CPU uses. */
        lgdt    gdt_ptr(%rip)
        mov     $boot_pml4, %ecx
        mov     %rcx, %cr3
        pushq   $KERNEL_CS
        lea     1f(%rip), %rcx
        pushq   %rcx
        lretq
1:      mov     $KERNEL_DS, %ecx
        mov     %ecx, %ds
        mov     %ecx, %es
        mov     %ecx, %ss
        mov     %ecx, %fs
        mov     %ecx, %gs
        mov     %rax, %rdi
        call    psci_ap_start
2:      cli
        hlt
        jmp     2b

bad:    mov     $psci_bad_stack_top, %esp
        mov     %rax, %rdi
        call    psci_bad_context
        jmp     2b

        /* In .data, so it comes zeroed from the ELF and costs no emulated stores at boot. */
        .section .data
        .balign PSCI_CTX_SIZE
        .globl  psci_contexts
psci_contexts:
        .space  MAX_CPUS * PSCI_CTX_SIZE

        .section .stacks, "aw", @nobits
        .balign 16
        .space  4096
psci_bad_stack_top:

        .section .note.GNU-stack, "", @progbits
