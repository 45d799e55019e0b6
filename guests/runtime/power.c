/* Ending the VM: bothy's test-exit port, ACPI S5 through the FADT SLEEP_CONTROL_REG (ACPI 6.5 §4.8.3.7,
 * HW-reduced sleep registers: SLP_TYPx in bits 2-4, SLP_EN bit 5), and panic. */
#include "internal.h"

#define TEST_EXIT_PORT 0x500
#define ACPI_S5_SLP_TYP 5
#define SLEEP_CONTROL_SLP_TYP_SHIFT 2
#define SLEEP_CONTROL_SLP_EN (1 << 5)

_Noreturn void guest_exit(uint32_t code) {
  outl(TEST_EXIT_PORT, code);
  for (;;) __asm__ volatile("cli; hlt");
}

_Noreturn void poweroff(void) {
  const struct acpi_gas *g = &acpi.sleep_control;
  uint8_t v = (ACPI_S5_SLP_TYP << SLEEP_CONTROL_SLP_TYP_SHIFT) | SLEEP_CONTROL_SLP_EN;
  if (g->address && g->space_id == ACPI_GAS_SYSTEM_IO) outb((uint16_t)g->address, v);
  else if (g->address && g->space_id == ACPI_GAS_SYSTEM_MEMORY) mmio_write8(g->address, v);
  else {
    printf("poweroff: no ACPI sleep control register\n");
    guest_exit(EXIT_POWEROFF_FAILED);
  }
  /* A VMM may act on the write asynchronously (QEMU does): give it time before calling it a failure. */
  pit_delay_us(1000000);
  printf("poweroff: still running after the S5 write\n");
  guest_exit(EXIT_POWEROFF_FAILED);
}

_Noreturn void panic(const char *fmt, ...) {
  va_list ap;
  console_break_lock();
  printf("panic: ");
  va_start(ap, fmt);
  vprintf(fmt, ap);
  va_end(ap);
  printf("\n");
  guest_exit(EXIT_FAIL);
}
