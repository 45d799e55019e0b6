/* COM1 (8250/16550 at 0x3F8) output and a small integer-only printf.
 * Register names follow the 16550 datasheet (THR, IER, FCR, LCR, MCR, LSR). */
#include "runtime.h"

#define COM1 0x3f8
#define UART_THR 0
#define UART_DLL 0
#define UART_IER 1
#define UART_DLM 1
#define UART_FCR 2
#define UART_LCR 3
#define UART_MCR 4
#define UART_LSR 5
#define UART_LCR_DLAB 0x80
#define UART_LCR_8N1 0x03
#define UART_FCR_ENABLE_CLEAR 0x07 /* FIFO on, both cleared, RX trigger at 1 byte */
#define UART_MCR_DTR_RTS 0x03
#define UART_LSR_THRE 0x20

static spinlock_t print_lock;

void serial_init(void) {
  outb(COM1 + UART_IER, 0);
  outb(COM1 + UART_LCR, UART_LCR_DLAB);
  outb(COM1 + UART_DLL, 1); /* 115200 baud */
  outb(COM1 + UART_DLM, 0);
  outb(COM1 + UART_LCR, UART_LCR_8N1);
  outb(COM1 + UART_FCR, UART_FCR_ENABLE_CLEAR);
  outb(COM1 + UART_MCR, UART_MCR_DTR_RTS);
}

void serial_putc(char c) {
  /* Bounded, so a VM without a UART (LSR reads 0xff or 0) cannot hang the guest here. */
  for (unsigned i = 0; i < 100000 && !(inb(COM1 + UART_LSR) & UART_LSR_THRE); i++) cpu_relax();
  outb(COM1 + UART_THR, (uint8_t)c);
}

static void put(char c) {
  if (c == '\n') serial_putc('\r');
  serial_putc(c);
}

static void put_uint(uint64_t v, unsigned base, bool upper, int width, char pad, bool neg) {
  char buf[24];
  const char *digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";
  int n = 0;
  do {
    buf[n++] = digits[v % base];
    v /= base;
  } while (v);
  if (neg) {
    if (pad == '0') put('-');
    width--;
  }
  for (int i = n; i < width; i++) put(pad);
  if (neg && pad != '0') put('-');
  while (n) put(buf[--n]);
}

int vprintf(const char *fmt, va_list ap) {
  uint64_t flags = read_flags();
  cli();
  spin_lock(&print_lock);
  for (const char *p = fmt; *p; p++) {
    if (*p != '%') {
      put(*p);
      continue;
    }
    p++;
    char pad = ' ';
    int width = 0;
    int longs = 0;
    if (*p == '0') {
      pad = '0';
      p++;
    }
    while (*p >= '0' && *p <= '9') width = width * 10 + (*p++ - '0');
    while (*p == 'l' || *p == 'z') {
      longs++;
      p++;
    }
    switch (*p) {
      case 'd':
      case 'i': {
        int64_t v = longs ? va_arg(ap, int64_t) : va_arg(ap, int);
        put_uint(v < 0 ? -(uint64_t)v : (uint64_t)v, 10, false, width, pad, v < 0);
        break;
      }
      case 'u':
        put_uint(longs ? va_arg(ap, uint64_t) : va_arg(ap, unsigned), 10, false, width, pad, false);
        break;
      case 'x':
      case 'X':
        put_uint(longs ? va_arg(ap, uint64_t) : va_arg(ap, unsigned), 16, *p == 'X', width, pad, false);
        break;
      case 'p':
        put('0');
        put('x');
        put_uint((uintptr_t)va_arg(ap, void *), 16, false, width, pad, false);
        break;
      case 'c':
        put((char)va_arg(ap, int));
        break;
      case 's': {
        const char *s = va_arg(ap, const char *);
        if (!s) s = "(null)";
        int len = (int)strlen(s);
        for (int i = len; i < width; i++) put(' ');
        while (*s) put(*s++);
        break;
      }
      case '%':
        put('%');
        break;
      case '\0':
        p--;
        break;
      default:
        put('%');
        put(*p);
    }
  }
  spin_unlock(&print_lock);
  write_flags(flags);
  return 0;
}

int printf(const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  vprintf(fmt, ap);
  va_end(ap);
  return 0;
}

void console_break_lock(void) { spin_unlock(&print_lock); }
