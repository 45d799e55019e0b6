/* Micro-guest entry points: the 64-bit Linux-boot-protocol entry (e_entry) and the PVH 32-bit entry
 * (Xen ELF note XEN_ELFNOTE_PHYS32_ENTRY), the runtime's GDT and its static identity page tables.
 * Both entries switch to these tables and this GDT, so the rest of the runtime sees one machine state. */
#include "layout.h"

/* ---------------- 64-bit entry: long mode, boot GDT, RSI = zero page ---------------- */
        .section .text.entry, "ax"
        .code64
        .globl _start
_start:
        cli
        mov     %rsi, %r12
        mov     $BOOT_PROTO_LINUX64, %r13d
        jmp     common64

/* r12 = boot info pointer, r13 = protocol. */
common64:
        mov     $bsp_stack_top, %esp
        lgdt    gdt_ptr(%rip)
        pushq   $KERNEL_CS
        lea     1f(%rip), %rax
        pushq   %rax
        lretq
1:      mov     $KERNEL_DS, %eax
        mov     %eax, %ds
        mov     %eax, %es
        mov     %eax, %ss
        mov     %eax, %fs
        mov     %eax, %gs
        mov     $boot_pml4, %eax
        mov     %rax, %cr3
        /* .bss is small on purpose: each emulated iteration costs about a microsecond. */
        mov     $__bss_start, %edi
        mov     $__bss_end, %ecx
        sub     %edi, %ecx
        shr     $3, %ecx
        xor     %eax, %eax
        cld
        rep stosq
        mov     %r13d, %edi
        mov     %r12, %rsi
        call    runtime_start
2:      cli
        hlt
        jmp     2b

/* Landing pad of the PVH path once paging is on. */
pvh_long64:
        mov     %esi, %r12d
        mov     $BOOT_PROTO_PVH, %r13d
        jmp     common64

/* ---------------- PVH entry: 32-bit flat protected mode, paging off, EBX = hvm_start_info ---------------- */
        .section .text32, "ax"
        .code32
        .globl pvh_start32
pvh_start32:
        cli
        cld
        mov     %ebx, %esi
        lgdt    gdt_ptr
        mov     %cr4, %eax
        or      $(CR4_PAE | CR4_OSFXSR | CR4_OSXMMEXCPT), %eax
        mov     %eax, %cr4
        mov     $boot_pml4, %eax
        mov     %eax, %cr3
        mov     $MSR_EFER, %ecx
        rdmsr
        or      $EFER_LME, %eax
        wrmsr
        mov     %cr0, %eax
        and     $~(CR0_EM | CR0_TS), %eax
        or      $(CR0_PG | CR0_WP | CR0_NE | CR0_MP | CR0_PE), %eax
        mov     %eax, %cr0
        ljmp    $KERNEL_CS, $pvh_long64

/* ---------------- PVH ELF note ---------------- */
        .section .note.Xen, "a", @note
        .balign 4
        .long   4               /* namesz: "Xen\0" */
        .long   4               /* descsz: a 32-bit physical address */
        .long   18              /* XEN_ELFNOTE_PHYS32_ENTRY */
        .asciz  "Xen"
        .balign 4
        .long   pvh_start32
        .balign 4

/* ---------------- GDT ---------------- */
        .section .data
        .balign 16
        .globl gdt
gdt:
        .quad   0                       /* 0x00 null */
        .quad   0                       /* 0x08 null (as bothy's boot GDT) */
        .quad   0x00af9b000000ffff      /* 0x10 kernel code, 64-bit */
        .quad   0x00cf93000000ffff      /* 0x18 kernel data */
        .quad   0x00cff3000000ffff      /* 0x20 user data, DPL 3 */
        .quad   0x00affb000000ffff      /* 0x28 user code, 64-bit, DPL 3 */
        .quad   0, 0                    /* 0x30 TSS, filled in by cpu_init() */
gdt_end:
        .balign 8
        .globl gdt_ptr
gdt_ptr:
        .word   gdt_end - gdt - 1
        .quad   gdt

/* ---------------- identity map of [0, 4 GiB): 2 MiB pages, present|RW|user on every level ---------------- */
        .section .data.pagetables, "aw"
        .balign 4096
        .globl boot_pml4
boot_pml4:
        .quad   boot_pdpt + 0x7
        .fill   511, 8, 0
boot_pdpt:
        .quad   boot_pd + 0x7
        .quad   boot_pd + 0x1000 + 0x7
        .quad   boot_pd + 0x2000 + 0x7
        .quad   boot_pd + 0x3000 + 0x7
        .fill   508, 8, 0
boot_pd:
        .set    page, 0
        .rept   2048
        .quad   (page << 21) | 0x87     /* PS | user | RW | present */
        .set    page, page + 1
        .endr

/* ---------------- stacks (not loaded, not zeroed) ---------------- */
        .section .stacks, "aw", @nobits
        .balign 16
        .globl bsp_stack_top
        .space  BSP_STACK_SIZE
bsp_stack_top:

        .section .note.GNU-stack, "", @progbits
