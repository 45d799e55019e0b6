/* bothy's SMCCC hypercalls from x86-64 (docs/hypercalls.md): one `outl %eax, $HYPERCALL_PORT` at CPL0,
 * function id in EAX, x1..x6 in RBX RCX RDX RSI RDI R8, x0..x3 back in RAX RBX RCX RDX. Function ids and
 * return codes keep their names from Linux include/linux/arm-smccc.h and include/uapi/linux/psci.h
 * (shared/reference/kvm-fw-registers-and-smccc.md §4). Included by runtime.h. */
#ifndef GUEST_HYPERCALL_H
#define GUEST_HYPERCALL_H

#include <stdint.h>

#include "layout.h"

struct smccc_res {
  uint64_t a0, a1, a2, a3;
};

/* Only from CPL0: ring 3 has no I/O permission and takes #GP, as an HVC from EL0 is undefined. */
static inline struct smccc_res smccc_call(uint32_t fid, uint64_t a1, uint64_t a2, uint64_t a3, uint64_t a4,
                                          uint64_t a5, uint64_t a6) {
  register uint64_t r8 __asm__("r8") = a6;
  uint64_t rax = fid;
  __asm__ volatile("outl %%eax, %[port]"
                   : "+a"(rax), "+b"(a1), "+c"(a2), "+d"(a3)
                   : [port] "i"(HYPERCALL_PORT), "S"(a4), "D"(a5), "r"(r8)
                   : "memory");
  return (struct smccc_res){rax, a1, a2, a3};
}
static inline struct smccc_res smccc_call0(uint32_t fid) { return smccc_call(fid, 0, 0, 0, 0, 0, 0); }
static inline struct smccc_res smccc_call1(uint32_t fid, uint64_t a1) { return smccc_call(fid, a1, 0, 0, 0, 0, 0); }
static inline struct smccc_res smccc_call2(uint32_t fid, uint64_t a1, uint64_t a2) {
  return smccc_call(fid, a1, a2, 0, 0, 0, 0);
}
static inline struct smccc_res smccc_call3(uint32_t fid, uint64_t a1, uint64_t a2, uint64_t a3) {
  return smccc_call(fid, a1, a2, a3, 0, 0, 0);
}
/* x0 as the signed return code it usually is (SMCCC_RET_*, PSCI_RET_*, TRNG_*). */
static inline int64_t smccc_a0(struct smccc_res r) { return (int64_t)r.a0; }

/* ---- function id encoding (SMCCC DEN0028 §2.5) ---- */

#define ARM_SMCCC_STD_CALL 0u
#define ARM_SMCCC_FAST_CALL 1u
#define ARM_SMCCC_TYPE_SHIFT 31
#define ARM_SMCCC_SMC_32 0u
#define ARM_SMCCC_SMC_64 1u
#define ARM_SMCCC_CALL_CONV_SHIFT 30
#define ARM_SMCCC_OWNER_MASK 0x3fu
#define ARM_SMCCC_OWNER_SHIFT 24
#define ARM_SMCCC_FUNC_MASK 0xffffu
#define ARM_SMCCC_1_3_SVE_HINT 0x10000u
#define ARM_SMCCC_CALL_VAL(type, cc, owner, fn)                                                                 \
  (((uint32_t)(type) << ARM_SMCCC_TYPE_SHIFT) | ((uint32_t)(cc) << ARM_SMCCC_CALL_CONV_SHIFT) |              \
   (((uint32_t)(owner) & ARM_SMCCC_OWNER_MASK) << ARM_SMCCC_OWNER_SHIFT) | ((uint32_t)(fn) & ARM_SMCCC_FUNC_MASK))
#define ARM_SMCCC_OWNER_NUM(fid) (((fid) >> ARM_SMCCC_OWNER_SHIFT) & ARM_SMCCC_OWNER_MASK)
#define ARM_SMCCC_FUNC_NUM(fid) ((fid) & ARM_SMCCC_FUNC_MASK)

#define ARM_SMCCC_OWNER_ARCH 0
#define ARM_SMCCC_OWNER_CPU 1
#define ARM_SMCCC_OWNER_SIP 2
#define ARM_SMCCC_OWNER_OEM 3
#define ARM_SMCCC_OWNER_STANDARD 4
#define ARM_SMCCC_OWNER_STANDARD_HYP 5
#define ARM_SMCCC_OWNER_VENDOR_HYP 6
#define ARM_SMCCC_OWNER_TRUSTED_APP 48
#define ARM_SMCCC_OWNER_TRUSTED_OS_END 63

#define ARM_SMCCC_FUNC_QUERY_CALL_COUNT 0xff00
#define ARM_SMCCC_FUNC_QUERY_CALL_UID 0xff01
#define ARM_SMCCC_FUNC_QUERY_REVISION 0xff03

/* Return codes: signed, sign-extended to 64 bits in RAX; compare as (int64_t)res.a0. */
#define SMCCC_RET_SUCCESS 0
#define SMCCC_RET_NOT_SUPPORTED (-1)
#define SMCCC_RET_NOT_REQUIRED (-2)
#define SMCCC_RET_INVALID_PARAMETER (-3)
#define SMCCC_ARCH_WORKAROUND_RET_UNAFFECTED 1

#define ARM_SMCCC_VERSION_1_0 0x10000
#define ARM_SMCCC_VERSION_1_1 0x10001
#define ARM_SMCCC_VERSION_1_2 0x10002
#define ARM_SMCCC_VERSION_1_3 0x10003

/* ---- fixed function ids (§4.2) ---- */

#define ARM_SMCCC_VERSION_FUNC_ID 0x80000000u
#define ARM_SMCCC_ARCH_FEATURES_FUNC_ID 0x80000001u
#define ARM_SMCCC_ARCH_SOC_ID 0x80000002u
#define ARM_SMCCC_ARCH_WORKAROUND_1 0x80008000u
#define ARM_SMCCC_ARCH_WORKAROUND_2 0x80007fffu
#define ARM_SMCCC_ARCH_WORKAROUND_3 0x80003fffu

#define ARM_SMCCC_TRNG_VERSION 0x84000050u
#define ARM_SMCCC_TRNG_FEATURES 0x84000051u
#define ARM_SMCCC_TRNG_GET_UUID 0x84000052u
#define ARM_SMCCC_TRNG_RND32 0x84000053u
#define ARM_SMCCC_TRNG_RND64 0xc4000053u
/* ARM DEN0098's own return codes (INVALID_PARAMETER is -2 here, not SMCCC's -3). */
#define TRNG_SUCCESS 0
#define TRNG_NOT_SUPPORTED (-1)
#define TRNG_INVALID_PARAMETER (-2)
#define TRNG_NO_ENTROPY (-3)
#define ARM_SMCCC_TRNG_VERSION_1_0 0x10000
#define TRNG_MAX_BITS32 96
#define TRNG_MAX_BITS64 192
/* TRNG_GET_UUID x0..x3 for KVM's back end, UUID 0d21e000-4384-11eb-8070-5244554e5a4c. */
#define ARM_SMCCC_TRNG_UUID_0 0x00e0210du
#define ARM_SMCCC_TRNG_UUID_1 0xeb118443u
#define ARM_SMCCC_TRNG_UUID_2 0x44527080u
#define ARM_SMCCC_TRNG_UUID_3 0x4c5a4e55u

#define ARM_SMCCC_HV_PV_TIME_FEATURES 0xc5000020u
#define ARM_SMCCC_HV_PV_TIME_ST 0xc5000021u

#define ARM_SMCCC_VENDOR_HYP_KVM_FEATURES_FUNC_ID 0x86000000u
#define ARM_SMCCC_VENDOR_HYP_KVM_PTP_FUNC_ID 0x86000001u
#define ARM_SMCCC_VENDOR_HYP_CALL_UID_FUNC_ID 0x8600ff01u
#define KVM_PTP_VIRT_COUNTER 0
#define KVM_PTP_PHYS_COUNTER 1
/* Vendor-hyp CALL_UID x0..x3 of KVM: UUID 28b46fb6-2ec5-11e9-a9ca-4b564d003a74. */
#define ARM_SMCCC_VENDOR_HYP_UID_KVM_REG_0 0xb66fb428u
#define ARM_SMCCC_VENDOR_HYP_UID_KVM_REG_1 0xe911c52eu
#define ARM_SMCCC_VENDOR_HYP_UID_KVM_REG_2 0x564bcaa9u
#define ARM_SMCCC_VENDOR_HYP_UID_KVM_REG_3 0x743a004du
/* Gunyah (shared/reference/gunyah.md §1.3-1.4): CALL_UID c1d58fcd-a453-5fdb-9265-ce36673d5f14, and
 * hypervisor_identify = hypercall 0 = ARM_SMCCC_CALL_VAL(FAST, SMC_64, VENDOR_HYP, 0x8000). */
#define SMCCC_GUNYAH_UID0 0xcd8fd5c1u
#define SMCCC_GUNYAH_UID1 0xdb5f53a4u
#define SMCCC_GUNYAH_UID2 0x36ce6592u
#define SMCCC_GUNYAH_UID3 0x145f3d67u
#define GUNYAH_HYPERCALL_HYP_IDENTIFY 0xc6008000u
#define GUNYAH_API_INFO_API_VERSION_MASK 0x3fffu
#define GUNYAH_API_V1 1

/* ---- PSCI (§4.3) ---- */

#define PSCI_0_2_FN_BASE 0x84000000u
#define PSCI_0_2_FN(n) (PSCI_0_2_FN_BASE + (n))
#define PSCI_0_2_FN64_BASE 0xc4000000u
#define PSCI_0_2_FN64(n) (PSCI_0_2_FN64_BASE + (n))

#define PSCI_0_2_FN_PSCI_VERSION PSCI_0_2_FN(0)
#define PSCI_0_2_FN_CPU_SUSPEND PSCI_0_2_FN(1)
#define PSCI_0_2_FN_CPU_OFF PSCI_0_2_FN(2)
#define PSCI_0_2_FN_CPU_ON PSCI_0_2_FN(3)
#define PSCI_0_2_FN_AFFINITY_INFO PSCI_0_2_FN(4)
#define PSCI_0_2_FN_MIGRATE PSCI_0_2_FN(5)
#define PSCI_0_2_FN_MIGRATE_INFO_TYPE PSCI_0_2_FN(6)
#define PSCI_0_2_FN_MIGRATE_INFO_UP_CPU PSCI_0_2_FN(7)
#define PSCI_0_2_FN_SYSTEM_OFF PSCI_0_2_FN(8)
#define PSCI_0_2_FN_SYSTEM_RESET PSCI_0_2_FN(9)
#define PSCI_0_2_FN64_CPU_SUSPEND PSCI_0_2_FN64(1)
#define PSCI_0_2_FN64_CPU_ON PSCI_0_2_FN64(3)
#define PSCI_0_2_FN64_AFFINITY_INFO PSCI_0_2_FN64(4)
#define PSCI_0_2_FN64_MIGRATE PSCI_0_2_FN64(5)
#define PSCI_0_2_FN64_MIGRATE_INFO_UP_CPU PSCI_0_2_FN64(7)

#define PSCI_1_0_FN_PSCI_FEATURES PSCI_0_2_FN(10)
#define PSCI_1_0_FN_CPU_FREEZE PSCI_0_2_FN(11)
#define PSCI_1_0_FN_CPU_DEFAULT_SUSPEND PSCI_0_2_FN(12)
#define PSCI_1_0_FN_NODE_HW_STATE PSCI_0_2_FN(13)
#define PSCI_1_0_FN_SYSTEM_SUSPEND PSCI_0_2_FN(14)
#define PSCI_1_0_FN_SET_SUSPEND_MODE PSCI_0_2_FN(15)
#define PSCI_1_0_FN_STAT_RESIDENCY PSCI_0_2_FN(16)
#define PSCI_1_0_FN_STAT_COUNT PSCI_0_2_FN(17)
#define PSCI_1_1_FN_SYSTEM_RESET2 PSCI_0_2_FN(18)
#define PSCI_1_1_FN_MEM_PROTECT PSCI_0_2_FN(19)
#define PSCI_1_1_FN_MEM_PROTECT_CHECK_RANGE PSCI_0_2_FN(20)
#define PSCI_1_3_FN_SYSTEM_OFF2 PSCI_0_2_FN(21)
#define PSCI_1_0_FN64_CPU_DEFAULT_SUSPEND PSCI_0_2_FN64(12)
#define PSCI_1_0_FN64_NODE_HW_STATE PSCI_0_2_FN64(13)
#define PSCI_1_0_FN64_SYSTEM_SUSPEND PSCI_0_2_FN64(14)
#define PSCI_1_0_FN64_STAT_RESIDENCY PSCI_0_2_FN64(16)
#define PSCI_1_0_FN64_STAT_COUNT PSCI_0_2_FN64(17)
#define PSCI_1_1_FN64_SYSTEM_RESET2 PSCI_0_2_FN64(18)
#define PSCI_1_1_FN64_MEM_PROTECT_CHECK_RANGE PSCI_0_2_FN64(20)
#define PSCI_1_3_FN64_SYSTEM_OFF2 PSCI_0_2_FN64(21)

#define PSCI_VERSION_MAJOR_SHIFT 16
#define PSCI_VERSION_MINOR_MASK 0xffffu
#define PSCI_VERSION(major, minor) (((uint32_t)(major) << PSCI_VERSION_MAJOR_SHIFT) | (minor))

#define PSCI_RET_SUCCESS 0
#define PSCI_RET_NOT_SUPPORTED (-1)
#define PSCI_RET_INVALID_PARAMS (-2)
#define PSCI_RET_DENIED (-3)
#define PSCI_RET_ALREADY_ON (-4)
#define PSCI_RET_ON_PENDING (-5)
#define PSCI_RET_INTERNAL_FAILURE (-6)
#define PSCI_RET_NOT_PRESENT (-7)
#define PSCI_RET_DISABLED (-8)
#define PSCI_RET_INVALID_ADDRESS (-9)

#define PSCI_0_2_AFFINITY_LEVEL_ON 0
#define PSCI_0_2_AFFINITY_LEVEL_OFF 1
#define PSCI_0_2_AFFINITY_LEVEL_ON_PENDING 2

#define PSCI_1_1_RESET_TYPE_SYSTEM_WARM_RESET 0
#define PSCI_1_3_OFF_TYPE_HIBERNATE_OFF 1

/* KVM's PSCI 0.1 ids: CPU_SUSPEND +0, CPU_OFF +1, CPU_ON +2, MIGRATE +3. */
#define KVM_PSCI_FN_BASE 0x95c1ba5eu
#define KVM_PSCI_FN(n) (KVM_PSCI_FN_BASE + (n))
#define KVM_PSCI_FN_CPU_SUSPEND KVM_PSCI_FN(0)
#define KVM_PSCI_FN_CPU_OFF KVM_PSCI_FN(1)
#define KVM_PSCI_FN_CPU_ON KVM_PSCI_FN(2)
#define KVM_PSCI_FN_MIGRATE KVM_PSCI_FN(3)

/* ---- starting CPUs with PSCI CPU_ON (psci.c, psci.S) ---- */

/* What CPU_ON's context id points at (offsets in layout.h for the assembly). psci_cpu_entry validates it
 * (inside psci_contexts[], aligned, magic) before using its stack, and records how the CPU arrived. */
struct psci_context {
  uint64_t stack_top;
  uint64_t entry_gprs;  /* OR of RBX..R15 and RSP at entry: bothy's CPU_ON zeroes them */
  uint64_t entry_flags; /* RFLAGS at entry: IF must be clear */
  uint16_t entry_cs, entry_ds, entry_ss, pad0;
  uint32_t cpu_index;
  uint32_t apic_id;
  uint32_t magic;
  volatile uint32_t starts;
  uint8_t pad1[PSCI_CTX_SIZE - 0x30];
};

/* Issues CPU_ON(apic_id, psci_cpu_entry, &psci_contexts[cpu_index]) with the AP stack of cpu_index.
 * The CPU then loads the runtime's GDT, page tables, IDT and LAPIC and runs guest_ap_main(cpu_index,
 * its APIC id); when that returns it calls CPU_OFF. Returns the PSCI result (PSCI_RET_*). */
int psci_cpu_on(uint32_t apic_id, unsigned cpu_index);
/* The context cpu_index's CPU received at its last PSCI start, or NULL if it never came in that way. */
const struct psci_context *psci_cpu_context(unsigned cpu_index);
/* PSCI CPU_OFF for the calling CPU; returns only if it failed (with that result). */
int psci_cpu_off(void);
/* AFFINITY_INFO(target, 0): PSCI_0_2_AFFINITY_LEVEL_* or a negative PSCI_RET_*. */
int psci_affinity_info(uint32_t apic_id);

#endif
