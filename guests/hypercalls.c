/* hypercalls: the guest half of KVM's arm64 selftests hypercalls.c and kvm-uuid.c over bothy's doorbell
 * (shared/reference/kvm-fw-registers-and-smccc.md §6.1, §6.4). `stage=disabled`: the 11 gated calls must
 * answer NOT_SUPPORTED; `stage=enabled` (the default): none may; both stages add the FALSE_INFO checks.
 * `uid=kvm` / `uid=gunyah` check the vendor-hyp CALL_UID (and Gunyah's hypervisor_identify). */
#include "runtime/runtime.h"

struct hvc_info {
  const char *name;
  uint32_t fid;
  uint64_t arg;
};

/* §6.1 step 4, in the selftest's order: each gated by one firmware-register bitmap bit. */
static const struct hvc_info gated[] = {
    {"TRNG_VERSION", ARM_SMCCC_TRNG_VERSION, 0},
    {"TRNG_FEATURES(TRNG_RND64)", ARM_SMCCC_TRNG_FEATURES, ARM_SMCCC_TRNG_RND64},
    {"TRNG_GET_UUID", ARM_SMCCC_TRNG_GET_UUID, 0},
    {"TRNG_RND32(0)", ARM_SMCCC_TRNG_RND32, 0},
    {"TRNG_RND64(0)", ARM_SMCCC_TRNG_RND64, 0},
    {"ARCH_FEATURES(PV_TIME_FEATURES)", ARM_SMCCC_ARCH_FEATURES_FUNC_ID, ARM_SMCCC_HV_PV_TIME_FEATURES},
    {"PV_TIME_FEATURES(PV_TIME_ST)", ARM_SMCCC_HV_PV_TIME_FEATURES, ARM_SMCCC_HV_PV_TIME_ST},
    {"PV_TIME_ST", ARM_SMCCC_HV_PV_TIME_ST, 0},
    {"KVM_FEATURES(PTP)", ARM_SMCCC_VENDOR_HYP_KVM_FEATURES_FUNC_ID, ARM_SMCCC_VENDOR_HYP_KVM_PTP_FUNC_ID},
    {"VENDOR_HYP_CALL_UID", ARM_SMCCC_VENDOR_HYP_CALL_UID_FUNC_ID, 0},
    {"KVM_PTP(VIRT_COUNTER)", ARM_SMCCC_VENDOR_HYP_KVM_PTP_FUNC_ID, KVM_PTP_VIRT_COUNTER},
};

/* §6.1 step 7: feature queries across families must say NOT_SUPPORTED whatever the bitmaps. */
static const struct hvc_info false_info[] = {
    {"TRNG_FEATURES(KVM_PTP)", ARM_SMCCC_TRNG_FEATURES, ARM_SMCCC_VENDOR_HYP_KVM_PTP_FUNC_ID},
    {"ARCH_FEATURES(TRNG_RND64)", ARM_SMCCC_ARCH_FEATURES_FUNC_ID, ARM_SMCCC_TRNG_RND64},
    {"PV_TIME_FEATURES(TRNG_RND64)", ARM_SMCCC_HV_PV_TIME_FEATURES, ARM_SMCCC_TRNG_RND64},
};

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))
#define NOT_SUPPORTED ((uint64_t)(int64_t)SMCCC_RET_NOT_SUPPORTED)

static struct smccc_res hvc(const char *name, uint32_t fid, uint64_t arg) {
  struct smccc_res r = smccc_call1(fid, arg);
  printf("hvc %s fid=0x%08x a0=0x%lx", name, fid, r.a0);
  return r;
}

static void verdict(bool ok) {
  printf(" %s\n", ok ? "ok" : "FAIL");
  check_count(ok);
}

/* want_supported: the call must answer anything but NOT_SUPPORTED; otherwise exactly NOT_SUPPORTED. */
static void run_table(const char *stage, const struct hvc_info *t, unsigned n, bool want_supported) {
  printf("hypercalls: stage %s\n", stage);
  for (unsigned i = 0; i < n; i++) {
    struct smccc_res r = hvc(t[i].name, t[i].fid, t[i].arg);
    verdict(want_supported ? r.a0 != NOT_SUPPORTED : r.a0 == NOT_SUPPORTED);
  }
}

static void check_uid(const char *which, const uint32_t want[4]) {
  struct smccc_res r = hvc("VENDOR_HYP_CALL_UID", ARM_SMCCC_VENDOR_HYP_CALL_UID_FUNC_ID, 0);
  printf(" a1=0x%lx a2=0x%lx a3=0x%lx (want %s 0x%08x 0x%08x 0x%08x 0x%08x)", r.a1, r.a2, r.a3, which, want[0],
         want[1], want[2], want[3]);
  verdict(r.a0 == want[0] && r.a1 == want[1] && r.a2 == want[2] && r.a3 == want[3]);
}

static void check_gunyah_identify(void) {
  struct smccc_res r = hvc("hypervisor_identify", GUNYAH_HYPERCALL_HYP_IDENTIFY, 0);
  uint64_t api = r.a0 & GUNYAH_API_INFO_API_VERSION_MASK;
  printf(" api_version=%lu variant=0x%lx flags0=0x%lx flags1=0x%lx flags2=0x%lx", api, r.a0 >> 56, r.a1, r.a2,
         r.a3);
  verdict(api == GUNYAH_API_V1);
}

int guest_main(void) {
  check_begin("hypercalls");
  bool disabled = cmdline_has_word("stage=disabled");
  bool enabled = cmdline_has_word("stage=enabled");
  bool uid_kvm = cmdline_has_word("uid=kvm");
  bool uid_gunyah = cmdline_has_word("uid=gunyah");
  if (!disabled && !enabled && !uid_kvm && !uid_gunyah) enabled = true;

  if (disabled) {
    run_table("disabled", gated, NELEM(gated), false);
    run_table("false-info", false_info, NELEM(false_info), false);
  }
  if (enabled) {
    run_table("enabled", gated, NELEM(gated), true);
    run_table("false-info", false_info, NELEM(false_info), false);
  }
  if (uid_kvm) {
    static const uint32_t kvm[4] = {ARM_SMCCC_VENDOR_HYP_UID_KVM_REG_0, ARM_SMCCC_VENDOR_HYP_UID_KVM_REG_1,
                                    ARM_SMCCC_VENDOR_HYP_UID_KVM_REG_2, ARM_SMCCC_VENDOR_HYP_UID_KVM_REG_3};
    printf("hypercalls: uid kvm\n");
    check_uid("kvm", kvm);
  }
  if (uid_gunyah) {
    static const uint32_t gunyah[4] = {SMCCC_GUNYAH_UID0, SMCCC_GUNYAH_UID1, SMCCC_GUNYAH_UID2, SMCCC_GUNYAH_UID3};
    printf("hypercalls: uid gunyah\n");
    check_uid("gunyah", gunyah);
    check_gunyah_identify();
  }

  return check_summary();
}
