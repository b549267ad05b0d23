/* pm_ignore (Berth only): a guest that ignores the power button.
 * Sets SCI_EN in PM1_CNT but never PWRBTN_EN (PM1_EN = 0), so a press is lost. Prints
 * "pm: ignoring the button", then sleeps in WFI; the machine timer wakes it every 100 ms
 * (1,000,000 ticks at 10 MHz) to print "alive N" (N = 1, 2, ...). UART input arrives by
 * PLIC interrupt (source 10): "?" prints "still here", other bytes are ignored. Runs until
 * the host stops it. An SCI (source 12, enabled too) would print "pm: unexpected sci". */
#include "lib.h"

#define PERIOD (TIMEBASE_HZ / 10)

static unsigned long alive;

void m_trap(struct trap_frame *f)
{
    if (f->cause == (CAUSE_INTR | IRQ_M_TIMER)) {
        alive++;
        kprintf("alive %lu\n", alive);
        uint64_t next = get_mtimecmp() + PERIOD, now = mtime();
        if (next <= now)
            next = now + PERIOD;
        set_mtimecmp(next);
        return;
    }
    if (f->cause == (CAUSE_INTR | IRQ_M_EXT)) {
        unsigned id;
        while ((id = plic_claim(0)) != 0) {
            if (id == UART_IRQ) {
                int c;
                while ((c = uart_getc()) >= 0)
                    if (c == '?')
                        kprintf("still here\n");
            } else if (id == PM_IRQ) {
                uint16_t sts = mmio_read16(PM1_STS);
                kprintf("pm: unexpected sci sts=0x%04x\n", sts);
                mmio_write16(PM1_STS, sts);
            }
            plic_complete(0, id);
        }
        return;
    }
    kprintf("unexpected M trap: mcause=0x%lx mtval=0x%lx\n", f->cause, f->tval);
    fail(1);
}

int main(void)
{
    mmio_write16(PM1_EN, 0);
    mmio_write16(PM1_STS, PM1_PWRBTN);
    mmio_write16(PM1_CNT, PM1_SCI_EN);
    plic_set_priority(UART_IRQ, 1);
    plic_set_priority(PM_IRQ, 1);
    plic_set_threshold(0, 0);
    plic_enable(0, UART_IRQ);
    plic_enable(0, PM_IRQ);
    uart_enable_rx_irq();
    kprintf("pm: ignoring the button\n");
    set_mtimecmp(mtime() + PERIOD);
    csr_write(mie, MIP_MEIP | MIP_MTIP);
    irq_enable();
    for (;;)
        wfi();
}
