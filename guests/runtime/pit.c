/* 8254 PIT channel 0 as a rate generator (mode 2) and a delay that polls its latched count.
 * Intel 8254 datasheet: control word, counter latch command. */
#include "internal.h"

#define PIT_CH0 0x40
#define PIT_CMD 0x43
#define PIT_CMD_CH0_LOHI_MODE2 0x34
#define PIT_CMD_CH0_LATCH 0x00

static uint32_t pit_reload; /* 0 until pit_init() */

void pit_init(uint32_t hz) {
  uint32_t reload = hz ? PIT_HZ / hz : 0x10000;
  if (reload < 2) reload = 2;
  if (reload > 0x10000) reload = 0x10000;
  pit_reload = reload;
  outb(PIT_CMD, PIT_CMD_CH0_LOHI_MODE2);
  outb(PIT_CH0, (uint8_t)reload); /* 0x10000 is written as 0 */
  outb(PIT_CH0, (uint8_t)(reload >> 8));
}

static uint32_t pit_count(void) {
  outb(PIT_CMD, PIT_CMD_CH0_LATCH);
  uint32_t lo = inb(PIT_CH0);
  uint32_t hi = inb(PIT_CH0);
  return hi << 8 | lo;
}

void pit_delay_us(uint64_t us) {
  if (!pit_reload) pit_init(0);
  uint64_t need = us * PIT_HZ / 1000000, elapsed = 0;
  uint32_t last = pit_count(), still = 0;
  while (elapsed < need) {
    uint32_t now = pit_count();
    if (now == last) {
      /* A counter that never moves means no PIT: give up rather than hang. */
      if (++still > 100000) return;
      continue;
    }
    still = 0;
    /* Mode 2 counts down and reloads; a poll slower than one period loses whole periods (fine for delays). */
    elapsed += now < last ? last - now : last + pit_reload - now;
    last = now;
  }
}
