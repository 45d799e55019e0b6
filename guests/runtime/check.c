/* Pass/fail bookkeeping for the self-checking programs: one "<prefix>: <what> ok|FAIL" line per check and a
 * "<prefix>: <passed>/<run> ok" summary, the lines test/kvm/ matches on the serial output. */
#include "runtime.h"

static const char *prefix = "guest";
static unsigned n_run, n_passed;

void check_begin(const char *p) {
  prefix = p;
  n_run = 0;
  n_passed = 0;
}

void check_count(bool ok) {
  n_run++;
  if (ok) n_passed++;
}

void check(bool ok, const char *what) {
  check_count(ok);
  printf("%s: %s %s\n", prefix, what, ok ? "ok" : "FAIL");
}

unsigned checks_run(void) { return n_run; }

unsigned checks_passed(void) { return n_passed; }

int check_summary(void) {
  printf("%s: %u/%u ok\n", prefix, n_passed, n_run);
  return n_passed == n_run ? EXIT_OK : EXIT_FAIL;
}
