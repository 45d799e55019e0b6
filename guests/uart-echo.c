/* uart-echo: COM1 receive interrupts (IER RDI, MCR OUT2) on the IOAPIC; each received byte is echoed from
 * the interrupt handler as "rx <hex>"; 'q' prints the interrupt count and exits 0. */
#include "runtime/runtime.h"

#define COM1 0x3f8
#define COM1_IRQ 4
#define UART_RBR 0
#define UART_IER 1
#define UART_MCR 4
#define UART_LSR 5
#define UART_IER_RDI 0x01
#define UART_MCR_DTR_RTS_OUT2 0x0b
#define UART_LSR_DR 0x01

static uint32_t irqs;

static void on_uart(uint8_t vector) {
  (void)vector;
  irqs++;
  /* Drain everything: an edge-triggered line stays high while bytes remain, so no new edge would come. */
  while (inb(COM1 + UART_LSR) & UART_LSR_DR) {
    uint8_t b = inb(COM1 + UART_RBR);
    printf("rx %02x\n", b);
    if (b == 'q') {
      printf("irqs=%u\n", irqs);
      guest_exit(EXIT_OK);
    }
  }
}

int guest_main(void) {
  uint32_t gsi = isa_irq_gsi(COM1_IRQ);
  irq_set_handler(IRQ_VECTOR(gsi), on_uart);
  ioapic_route(gsi, IRQ_VECTOR(gsi), isa_irq_ioapic_flags(COM1_IRQ));
  outb(COM1 + UART_MCR, UART_MCR_DTR_RTS_OUT2);
  outb(COM1 + UART_IER, UART_IER_RDI);
  printf("uart-echo ready\n");
  for (;;) sti_hlt();
}
