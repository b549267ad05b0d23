/* uart_echo: interrupt-driven UART receive through the PLIC.
 * PLIC source 10 priority 1, enabled for context 0 (hart 0 M-mode), threshold 0; UART
 * IER = received data; MEIE + MIE; prints "echo ready" and sleeps in WFI. Each external
 * interrupt is claimed, every byte waiting in the UART is printed as "got: c" (or
 * "got: 0xNN" when not printable), and the claim is completed. After 'q' it prints "bye"
 * and powers off. */
#include "lib.h"

void m_trap(struct trap_frame *f)
{
    if (f->cause != (CAUSE_INTR | IRQ_M_EXT)) {
        kprintf("unexpected M trap: mcause=0x%lx mtval=0x%lx\n", f->cause, f->tval);
        fail(1);
    }
    unsigned id = plic_claim(0);
    if (id == UART_IRQ) {
        int c;
        while ((c = uart_getc()) >= 0) {
            if (c >= 0x20 && c < 0x7f)
                kprintf("got: %c\n", c);
            else
                kprintf("got: 0x%02x\n", c);
            if (c == 'q') {
                kprintf("bye\n");
                poweroff();
            }
        }
    }
    if (id)
        plic_complete(0, id);
}

int main(void)
{
    plic_set_priority(UART_IRQ, 1);
    plic_set_threshold(0, 0);
    plic_enable(0, UART_IRQ);
    uart_enable_rx_irq();
    csr_write(mie, MIP_MEIP);
    kprintf("echo ready\n");
    irq_enable();
    for (;;)
        wfi();
}
