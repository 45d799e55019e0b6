/* reset: asks the i8042 for a CPU reset (command 0xFE on port 0x64). Exits 3 if the VM keeps running. */
#include "runtime/runtime.h"

#define I8042_COMMAND 0x64
#define I8042_CMD_RESET 0xfe

int guest_main(void) {
  printf("reset: writing 0xfe to port 0x64\n");
  outb(I8042_COMMAND, I8042_CMD_RESET);
  pit_delay_us(100000); /* a VMM may reset asynchronously */
  printf("reset: still running\n");
  return EXIT_UNREACHABLE;
}
