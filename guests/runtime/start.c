/* Runtime start on the BSP: console, boot info, CPU tables, ACPI, interrupt controllers, then the program. */
#include "internal.h"

void runtime_start(uint32_t protocol, uint64_t info) {
  serial_init();
  boot_info_init(protocol, info);
  cpu_init();
  pic_disable();
  acpi_init();
  lapic_init();
  guest_exit((uint32_t)guest_main());
}
