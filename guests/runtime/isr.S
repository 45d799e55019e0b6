/* Interrupt entry stubs for all 256 vectors (16 bytes apart, so the IDT is filled by arithmetic),
 * the common save/restore path into isr_dispatch(), and the ring-3 call/return pair run_user/user_resume.
 * Intel SDM vol. 3A §6.12 (64-bit interrupt stack frame), §6.14.1. */
#include "layout.h"

        .section .text
        .code64
        .altmacro

/* Vectors whose exception pushes an error code: #DF #TS #NP #SS #GP #PF #AC #CP #VC #SX. */
        .macro  isr_stub vec
        .balign 16
        .if (\vec == 8) || (\vec == 10) || (\vec == 11) || (\vec == 12) || (\vec == 13) || (\vec == 14) || (\vec == 17) || (\vec == 21) || (\vec == 29) || (\vec == 30)
        .else
        pushq   $0
        .endif
        pushq   $\vec
        jmp     isr_common
        .endm

        .balign 16
        .globl  isr_stubs
isr_stubs:
        .set    vec, 0
        .rept   256
        isr_stub %vec
        .set    vec, vec + 1
        .endr

/* The frame matches struct trap_frame in cpu.c: rax first, then the pushed vector and error code,
 * then what the CPU pushed. The CPU aligned RSP to 16 before its 5 words; 2 + 15 more keep it aligned. */
isr_common:
        pushq   %r15
        pushq   %r14
        pushq   %r13
        pushq   %r12
        pushq   %r11
        pushq   %r10
        pushq   %r9
        pushq   %r8
        pushq   %rbp
        pushq   %rdi
        pushq   %rsi
        pushq   %rdx
        pushq   %rcx
        pushq   %rbx
        pushq   %rax
        mov     %rsp, %rdi
        cld
        call    isr_dispatch
        popq    %rax
        popq    %rbx
        popq    %rcx
        popq    %rdx
        popq    %rsi
        popq    %rdi
        popq    %rbp
        popq    %r8
        popq    %r9
        popq    %r10
        popq    %r11
        popq    %r12
        popq    %r13
        popq    %r14
        popq    %r15
        add     $16, %rsp
        iretq

/* uint64_t run_user(uint64_t (*fn)(uint64_t), uint64_t arg) */
        .globl  run_user
run_user:
        pushq   %rbp
        pushq   %rbx
        pushq   %r12
        pushq   %r13
        pushq   %r14
        pushq   %r15
        pushfq
        mov     %rsp, user_kernel_rsp(%rip)
        /* fn starts as if called: its return address (user_exit) on a 16-byte-aligned-minus-8 stack. */
        mov     $user_stack_top - 8, %eax
        movq    $user_exit, (%rax)
        pushq   $USER_DS
        pushq   %rax
        pushfq
        popq    %rcx
        and     $0x200, %ecx
        or      $0x2, %ecx
        pushq   %rcx
        pushq   $USER_CS
        pushq   %rdi
        mov     %rsi, %rdi
        xor     %eax, %eax
        iretq

/* Ring 3: fn returned here with its result in RAX; the #UD handler recognizes this address. */
        .globl  user_exit
user_exit:
        ud2

/* _Noreturn void user_resume(uint64_t value): called by the trap handler (on the TSS RSP0 stack,
 * which it abandons) to return `value` from run_user. */
        .globl  user_resume
user_resume:
        mov     user_kernel_rsp(%rip), %rsp
        mov     $KERNEL_DS, %eax
        mov     %eax, %ds
        mov     %eax, %es
        mov     %rdi, %rax
        popfq
        popq    %r15
        popq    %r14
        popq    %r13
        popq    %r12
        popq    %rbx
        popq    %rbp
        ret

        .section .bss
        .balign 8
user_kernel_rsp:
        .quad   0

        .section .stacks, "aw", @nobits
        .balign 16
        .space  USER_STACK_SIZE
        .globl  user_stack_top
user_stack_top:
        .space  16
        .balign 16
        .space  EXC_STACK_SIZE
        .globl  exc_stack_top
exc_stack_top:

        .section .note.GNU-stack, "", @progbits
