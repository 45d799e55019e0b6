/* AP start-up: a real-mode trampoline (copied to TRAMPOLINE_ADDR, entered by SIPI at CS = addr >> 4, IP = 0)
 * that goes straight to long mode (PAE + LME + PG at once; 32-bit paging triple-faults under kvm_pvm),
 * then the 64-bit landing ap_entry64 in the image. Intel SDM vol. 3A §9.8.5 (switching to IA-32e mode). */
#include "layout.h"

        .section .text16, "ax"
        .code16
        .globl  tramp_start
tramp_start:
        cli
        cld
        mov     %cs, %ax
        mov     %ax, %ds
        lgdtl   TRAMP_GDTR
        movl    TRAMP_CR4, %eax
        mov     %eax, %cr4
        movl    TRAMP_CR3, %eax
        mov     %eax, %cr3
        mov     $MSR_EFER, %ecx
        movl    TRAMP_EFER, %eax
        xor     %edx, %edx
        wrmsr
        movl    TRAMP_CR0, %eax
        mov     %eax, %cr0
        ljmpl   $KERNEL_CS, $ap_entry64

        .org    TRAMP_GDTR
        .word   0
        .long   0
        .org    TRAMP_SIZE
        .globl  tramp_end
tramp_end:

        .section .text
        .code64
ap_entry64:
        mov     $KERNEL_DS, %eax
        mov     %eax, %ds
        mov     %eax, %es
        mov     %eax, %ss
        mov     %eax, %fs
        mov     %eax, %gs
        mov     (TRAMPOLINE_ADDR + TRAMP_STACK), %rsp
        mov     (TRAMPOLINE_ADDR + TRAMP_CPU), %edi
        call    ap_start
1:      cli
        hlt
        jmp     1b

        .section .stacks, "aw", @nobits
        .balign 16
        .globl  ap_stacks
ap_stacks:
        .space  MAX_CPUS * AP_STACK_SIZE

        .section .note.GNU-stack, "", @progbits
