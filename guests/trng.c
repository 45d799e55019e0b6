/* trng: the Arm TRNG firmware interface (DEN0098) as KVM serves it (reference §4.5): TRNG_VERSION 1.0,
 * TRNG_FEATURES, the UUID, RND64/RND32 at their maximum (two draws must differ), bits above N cleared,
 * and N above the maximum refused with INVALID_PARAMETER. */
#include "runtime/runtime.h"

static struct smccc_res rnd(uint32_t fid, const char *name, uint64_t bits) {
  struct smccc_res r = smccc_call1(fid, bits);
  printf("trng: %s(%lu) = %ld x1=0x%016lx x2=0x%016lx x3=0x%016lx\n", name, bits, smccc_a0(r), r.a1, r.a2, r.a3);
  return r;
}

int guest_main(void) {
  check_begin("trng");
  struct smccc_res v = smccc_call0(ARM_SMCCC_TRNG_VERSION);
  printf("trng: TRNG_VERSION = 0x%lx\n", v.a0);
  check(v.a0 == ARM_SMCCC_TRNG_VERSION_1_0, "TRNG_VERSION is 1.0");

  struct smccc_res f = smccc_call1(ARM_SMCCC_TRNG_FEATURES, ARM_SMCCC_TRNG_RND64);
  printf("trng: TRNG_FEATURES(RND64) = %ld\n", smccc_a0(f));
  check(smccc_a0(f) == TRNG_SUCCESS, "TRNG_FEATURES(RND64) is 0");

  struct smccc_res u = smccc_call0(ARM_SMCCC_TRNG_GET_UUID);
  printf("trng: TRNG_GET_UUID = 0x%08lx 0x%08lx 0x%08lx 0x%08lx\n", u.a0, u.a1, u.a2, u.a3);
  check(u.a0 == ARM_SMCCC_TRNG_UUID_0 && u.a1 == ARM_SMCCC_TRNG_UUID_1 && u.a2 == ARM_SMCCC_TRNG_UUID_2 &&
            u.a3 == ARM_SMCCC_TRNG_UUID_3,
        "TRNG_GET_UUID is KVM's");

  struct smccc_res a = rnd(ARM_SMCCC_TRNG_RND64, "RND64", TRNG_MAX_BITS64);
  struct smccc_res b = rnd(ARM_SMCCC_TRNG_RND64, "RND64", TRNG_MAX_BITS64);
  check(smccc_a0(a) == TRNG_SUCCESS && smccc_a0(b) == TRNG_SUCCESS, "RND64(192) twice succeeds");
  check(a.a1 != b.a1 || a.a2 != b.a2 || a.a3 != b.a3, "two RND64(192) draws differ");
  check((a.a1 | a.a2 | a.a3) != 0, "RND64(192) is not all zero");

  struct smccc_res c = rnd(ARM_SMCCC_TRNG_RND64, "RND64", 64);
  check(smccc_a0(c) == TRNG_SUCCESS && c.a1 == 0 && c.a2 == 0, "RND64(64) leaves x1 and x2 zero");

  struct smccc_res d = rnd(ARM_SMCCC_TRNG_RND64, "RND64", TRNG_MAX_BITS64 + 1);
  check(smccc_a0(d) == TRNG_INVALID_PARAMETER, "RND64(193) is INVALID_PARAMETER");

  struct smccc_res e = rnd(ARM_SMCCC_TRNG_RND32, "RND32", TRNG_MAX_BITS32);
  check(smccc_a0(e) == TRNG_SUCCESS && (e.a1 | e.a2 | e.a3) >> 32 == 0, "RND32(96) fills 32-bit registers only");

  struct smccc_res g = rnd(ARM_SMCCC_TRNG_RND32, "RND32", TRNG_MAX_BITS32 + 1);
  check(smccc_a0(g) == TRNG_INVALID_PARAMETER, "RND32(97) is INVALID_PARAMETER");

  return check_summary();
}
