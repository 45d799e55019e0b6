/* mmio-fault: reads a u32 from 0xd0000000, where no device or memory is mapped. Exits 3 if the read returns. */
#include "runtime/runtime.h"

#define UNMAPPED_MMIO 0xd0000000u

int guest_main(void) {
  printf("mmio-fault: reading 0x%x\n", UNMAPPED_MMIO);
  uint32_t v = mmio_read32(UNMAPPED_MMIO);
  printf("mmio-fault: read returned 0x%x\n", v);
  return EXIT_UNREACHABLE;
}
