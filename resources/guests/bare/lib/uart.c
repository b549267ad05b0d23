/* NS16550A at 0x1000_0000: polled transmit, polled or interrupt-driven receive. */
#include "lib.h"

static inline volatile uint8_t *uart_reg(int r) { return (volatile uint8_t *)(UART_BASE + r); }

/* Set by programs meant for a terminal: '\n' goes out as "\r\n", as a tty's ONLCR does. */
int uart_onlcr;

void uart_putc(char c)
{
    if (c == '\n' && uart_onlcr)
        uart_putc('\r');
    while (!(*uart_reg(UART_LSR) & UART_LSR_THRE))
        ;
    *uart_reg(UART_THR) = (uint8_t)c;
}

void uart_puts(const char *s)
{
    while (*s)
        uart_putc(*s++);
}

int uart_getc(void)
{
    if (*uart_reg(UART_LSR) & UART_LSR_DR)
        return *uart_reg(UART_RBR);
    return -1;
}

void uart_enable_rx_irq(void)
{
    *uart_reg(UART_IER) = 0x01;    /* received data available */
}
