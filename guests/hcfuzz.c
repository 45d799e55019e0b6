/* hcfuzz: `count=N` (default 20000) pseudo-random SMCCC calls through bothy's doorbell (xorshift64,
 * `seed=`): random ids, ids near the known ones, every owner, fast and yielding, 32- and 64-bit forms.
 * After each call every register the ABI preserves (all but RAX..RDX) must hold what it held before.
 * Calls that would end the VM or stop this CPU are skipped; CPU_ON only ever names a CPU that cannot exist.
 * The calls are drawn at CPL3 in batches (native speed); only the doorbell and the checks run at CPL0. */
#include "runtime/runtime.h"

/* Every general-purpose register but RSP, in the order hc_call_all loads and stores them. */
enum { RAX, RBX, RCX, RDX, RSI, RDI, RBP, R8, R9, R10, R11, R12, R13, R14, R15, NGPRS };
struct gprs {
  uint64_t r[NGPRS];
};
static const char *const gpr_names[NGPRS] = {"rax", "rbx", "rcx", "rdx", "rsi", "rdi", "rbp", "r8",
                                              "r9",  "r10", "r11", "r12", "r13", "r14", "r15"};

/* hc_call_all(in, out): loads every register from *in, rings the doorbell, stores every register to *out. */
void hc_call_all(const struct gprs *in, struct gprs *out);
__asm__(".pushsection .text\n"
        ".globl hc_call_all\n"
        "hc_call_all:\n"
        "  push %rbx\n  push %rbp\n  push %r12\n  push %r13\n  push %r14\n  push %r15\n"
        "  push %rsi\n" /* out, for after the call */
        "  mov %rdi, %rax\n"
        "  mov 8(%rax), %rbx\n  mov 16(%rax), %rcx\n  mov 24(%rax), %rdx\n  mov 32(%rax), %rsi\n"
        "  mov 40(%rax), %rdi\n  mov 48(%rax), %rbp\n  mov 56(%rax), %r8\n  mov 64(%rax), %r9\n"
        "  mov 72(%rax), %r10\n  mov 80(%rax), %r11\n  mov 88(%rax), %r12\n  mov 96(%rax), %r13\n"
        "  mov 104(%rax), %r14\n  mov 112(%rax), %r15\n  mov 0(%rax), %rax\n"
        "  outl %eax, $0xe4\n" /* HYPERCALL_PORT */
        "  push %rax\n"
        "  mov 8(%rsp), %rax\n"
        "  mov %rbx, 8(%rax)\n  mov %rcx, 16(%rax)\n  mov %rdx, 24(%rax)\n  mov %rsi, 32(%rax)\n"
        "  mov %rdi, 40(%rax)\n  mov %rbp, 48(%rax)\n  mov %r8, 56(%rax)\n  mov %r9, 64(%rax)\n"
        "  mov %r10, 72(%rax)\n  mov %r11, 80(%rax)\n  mov %r12, 88(%rax)\n  mov %r13, 96(%rax)\n"
        "  mov %r14, 104(%rax)\n  mov %r15, 112(%rax)\n"
        "  pop %rcx\n  mov %rcx, 0(%rax)\n"
        "  add $8, %rsp\n"
        "  pop %r15\n  pop %r14\n  pop %r13\n  pop %r12\n  pop %rbp\n  pop %rbx\n"
        "  ret\n"
        ".popsection\n");
_Static_assert(HYPERCALL_PORT == 0xe4, "hc_call_all hard-codes the doorbell port");

static uint64_t rng_state;

static uint64_t rnd(void) {
  uint64_t x = rng_state;
  x ^= x << 13;
  x ^= x >> 7;
  x ^= x << 17;
  return rng_state = x;
}

static const uint32_t known[] = {
    ARM_SMCCC_VERSION_FUNC_ID, ARM_SMCCC_ARCH_FEATURES_FUNC_ID, ARM_SMCCC_ARCH_SOC_ID,
    ARM_SMCCC_ARCH_WORKAROUND_1, ARM_SMCCC_ARCH_WORKAROUND_2, ARM_SMCCC_ARCH_WORKAROUND_3,
    PSCI_0_2_FN_PSCI_VERSION, PSCI_0_2_FN_CPU_SUSPEND, PSCI_0_2_FN_CPU_ON, PSCI_0_2_FN_AFFINITY_INFO,
    PSCI_0_2_FN_MIGRATE, PSCI_0_2_FN_MIGRATE_INFO_TYPE, PSCI_0_2_FN_MIGRATE_INFO_UP_CPU,
    PSCI_1_0_FN_PSCI_FEATURES, PSCI_1_0_FN_NODE_HW_STATE, PSCI_1_0_FN_STAT_RESIDENCY, PSCI_1_0_FN_STAT_COUNT,
    PSCI_1_1_FN_MEM_PROTECT, PSCI_1_1_FN_MEM_PROTECT_CHECK_RANGE, PSCI_0_2_FN64_CPU_ON,
    PSCI_0_2_FN64_AFFINITY_INFO, ARM_SMCCC_TRNG_VERSION, ARM_SMCCC_TRNG_FEATURES, ARM_SMCCC_TRNG_GET_UUID,
    ARM_SMCCC_TRNG_RND32, ARM_SMCCC_TRNG_RND64, ARM_SMCCC_HV_PV_TIME_FEATURES, ARM_SMCCC_HV_PV_TIME_ST,
    ARM_SMCCC_VENDOR_HYP_KVM_FEATURES_FUNC_ID, ARM_SMCCC_VENDOR_HYP_KVM_PTP_FUNC_ID,
    ARM_SMCCC_VENDOR_HYP_CALL_UID_FUNC_ID, GUNYAH_HYPERCALL_HYP_IDENTIFY, KVM_PSCI_FN_CPU_SUSPEND,
    KVM_PSCI_FN_CPU_ON, KVM_PSCI_FN_MIGRATE,
};
#define NKNOWN (sizeof(known) / sizeof(known[0]))

static const uint16_t interesting_fn[] = {
    0, 1, 2, 3, 0x1f, 0x20, 0x21, 0x50, 0x53, 0x3fff, 0x7fff, 0x8000, 0x8001, 0xff00, 0xff01, 0xff03, 0xffff,
};
#define NFN (sizeof(interesting_fn) / sizeof(interesting_fn[0]))

/* The id with the type, call-convention and reserved/hint bits dropped: a service that ignores any of
 * them must still never see a dangerous call. */
static uint32_t fid_core(uint32_t fid) { return fid & ~(0xc0000000u | 0x00ff0000u); }
#define CORE(fid) ((fid) & ~(0xc0000000u | 0x00ff0000u))

/* SYSTEM_OFF/RESET/RESET2/OFF2/SUSPEND end the VM; CPU_OFF stops the only CPU running this loop. */
static bool ends_vm_or_cpu(uint32_t fid) {
  switch (fid_core(fid)) {
    case CORE(PSCI_0_2_FN_CPU_OFF):
    case CORE(PSCI_0_2_FN_SYSTEM_OFF):
    case CORE(PSCI_0_2_FN_SYSTEM_RESET):
    case CORE(PSCI_1_0_FN_SYSTEM_SUSPEND):
    case CORE(PSCI_1_1_FN_SYSTEM_RESET2):
    case CORE(PSCI_1_3_FN_SYSTEM_OFF2):
    case CORE(KVM_PSCI_FN_CPU_OFF):
      return true;
    default:
      return false;
  }
}

static bool is_cpu_on(uint32_t fid) {
  uint32_t c = fid_core(fid);
  return c == CORE(PSCI_0_2_FN_CPU_ON) || c == CORE(KVM_PSCI_FN_CPU_ON);
}

static uint32_t pick_fid(void) {
  uint64_t r = rnd();
  switch (r % 4) {
    case 0: /* anything at all */
      return (uint32_t)(r >> 8);
    case 1: { /* a known id, off by a little, sometimes with another type or convention */
      uint32_t fid = known[(r >> 8) % NKNOWN] + (uint32_t)((r >> 16) % 5) - 2;
      if ((r >> 24) % 4 == 0) fid ^= 1u << ARM_SMCCC_CALL_CONV_SHIFT;
      if ((r >> 26) % 8 == 0) fid ^= 1u << ARM_SMCCC_TYPE_SHIFT;
      if ((r >> 29) % 8 == 0) fid |= ARM_SMCCC_1_3_SVE_HINT;
      return fid;
    }
    case 2: /* every owner, both call types, both conventions, interesting function numbers */
      return ARM_SMCCC_CALL_VAL((r >> 8) & 1, (r >> 9) & 1, (r >> 10) & ARM_SMCCC_OWNER_MASK,
                                interesting_fn[(r >> 16) % NFN]);
    default: /* a known id exactly, with random arguments */
      return known[(r >> 8) % NKNOWN];
  }
}

static uint64_t pick_arg(void) {
  uint64_t r = rnd();
  switch (r % 4) {
    case 0: return rnd();
    case 1: return (r >> 8) & 0xff;
    case 2: return known[(r >> 8) % NKNOWN]; /* FEATURES queries */
    default: return (uint32_t)rnd();
  }
}

#define BATCH 32
static struct gprs batch[BATCH];
static uint64_t skipped;

/* At CPL3 (native speed): fills batch[0..n) with calls that keep this CPU and the VM running. */
static uint64_t fill_batch(uint64_t n) {
  for (uint64_t k = 0; k < n; k++) {
    uint32_t fid = pick_fid();
    while (ends_vm_or_cpu(fid)) {
      skipped++;
      fid = pick_fid();
    }
    struct gprs *in = &batch[k];
    /* RAX[63:32] is not part of the call: random there too. */
    in->r[RAX] = (rnd() & 0xffffffff00000000ull) | fid;
    for (unsigned i = RBX; i <= RDI; i++) in->r[i] = pick_arg();
    in->r[R8] = pick_arg();
    in->r[RBP] = rnd();
    for (unsigned i = R9; i <= R15; i++) in->r[i] = rnd();
    /* Aff0 0xff (bothy has at most 255 vCPUs, 0..254) and Aff bits 31:24 set (outside MPIDR_HWID_BITMASK). */
    if (is_cpu_on(fid)) in->r[RBX] = 0xff0000ffull | (in->r[RBX] & 0xffff00ull);
  }
  return n;
}

int guest_main(void) {
  uint64_t count = 20000, seed = 0x9e3779b97f4a7c15ull;
  cmdline_get_u64("count", &count);
  cmdline_get_u64("seed", &seed);
  rng_state = seed ? seed : 1; /* xorshift's one fixed point */
  printf("hcfuzz: %lu calls, seed 0x%lx\n", count, seed);

  uint64_t done = 0, not_supported = 0, errors = 0;
  while (done < count) {
    uint64_t n = count - done < BATCH ? count - done : BATCH;
    run_user(fill_batch, n);
    if (user_last_fault()) panic("hcfuzz: fill_batch faulted at CPL3 (vector %lu)", user_last_fault()->vector);
    for (uint64_t k = 0; k < n; k++) {
      struct gprs out;
      const struct gprs *in = &batch[k];
      hc_call_all(in, &out);
      if (out.r[RAX] == (uint64_t)(int64_t)SMCCC_RET_NOT_SUPPORTED) not_supported++;
      for (unsigned i = RSI; i < NGPRS; i++) { /* x0..x3 come back in RAX..RDX; the rest is preserved */
        if (in->r[i] == out.r[i]) continue;
        if (errors < 20)
          printf("hcfuzz: fid 0x%08x changed %s: 0x%lx -> 0x%lx\n", (uint32_t)in->r[RAX], gpr_names[i], in->r[i],
                 out.r[i]);
        errors++;
      }
    }
    if ((done + n) / 5000 != done / 5000) printf("hcfuzz: %lu calls...\n", done + n);
    done += n;
  }
  printf("hcfuzz: %lu ids skipped (they end the VM or this CPU)\n", skipped);
  printf("hcfuzz: %lu calls, %lu not-supported, %lu preserved-register errors\n", done, not_supported, errors);
  return errors == 0 ? EXIT_OK : EXIT_FAIL;
}
