/* pm_button (Berth only: QEMU virt has no PM block): a guest that honours the power button.
 * PWRBTN_EN in PM1_EN, SCI_EN in PM1_CNT, PLIC source 12 (priority 1, context 0), MEIE +
 * MIE; prints "pm: button enabled, waiting" and sleeps in WFI. On the SCI it claims, reads
 * PM1_STS ("pm: sci sts=0x0100"), clears PWRBTN_STS (write 1), completes, prints
 * "pm: powering off" and writes SLP_TYP=0 | SLP_EN | SCI_EN (0x2001) to PM1_CNT: the machine
 * must stop by itself. If it is still running after 1,000,000 WFI loops (each returns at
 * once: MTIP is left pending with MIE off) and at least 0.5 s of mtime, it prints
 * "pm: still running after S5" and fails with code 2. */
#include "lib.h"

static void after_s5(void) __attribute__((noreturn));

static void after_s5(void)
{
    irq_disable();
    csr_write(mie, MIP_MTIP);
    set_mtimecmp(0);               /* MTIP pending: WFI does not sleep, no trap (MIE=0) */
    uint64_t t0 = mtime();
    for (unsigned long i = 0; i < 1000000UL || mtime() - t0 < TIMEBASE_HZ / 2; i++)
        wfi();
    kprintf("pm: still running after S5\n");
    fail(2);
}

void m_trap(struct trap_frame *f)
{
    if (f->cause != (CAUSE_INTR | IRQ_M_EXT)) {
        kprintf("unexpected M trap: mcause=0x%lx mtval=0x%lx\n", f->cause, f->tval);
        fail(1);
    }
    unsigned id = plic_claim(0);
    if (id != PM_IRQ) {
        kprintf("pm: unexpected irq %u\n", id);
        if (id)
            plic_complete(0, id);
        return;
    }
    uint16_t sts = mmio_read16(PM1_STS);
    kprintf("pm: sci sts=0x%04x\n", sts);
    mmio_write16(PM1_STS, PM1_PWRBTN);          /* write 1 to clear */
    plic_complete(0, id);
    kprintf("pm: powering off\n");
    mmio_write16(PM1_CNT, PM1_SLP_TYP(0) | PM1_SLP_EN | PM1_SCI_EN);
    after_s5();
}

int main(void)
{
    mmio_write16(PM1_STS, PM1_PWRBTN);          /* drop a stale status */
    mmio_write16(PM1_EN, PM1_PWRBTN);
    mmio_write16(PM1_CNT, PM1_SCI_EN);
    plic_set_priority(PM_IRQ, 1);
    plic_set_threshold(0, 0);
    plic_enable(0, PM_IRQ);
    csr_write(mie, MIP_MEIP);
    kprintf("pm: button enabled, waiting\n");
    irq_enable();
    for (;;)
        wfi();
}
