/* timer: CLINT machine timer, an S-mode timer forwarded by M (the SBI-style dance) and a
 * machine software interrupt. Only counts are printed, so the output is deterministic.
 *
 *  1. mtimecmp = mtime + 10000, MTIE + MIE, WFI loop: 5 interrupts, each prints "tick N"
 *     and pushes mtimecmp forward by 10000.
 *  2. mideleg = STIP, run in S-mode with SIE: M's timer handler sets mip.STIP (and masks
 *     MTIE); the S handler prints "stick N" and asks M by ecall to clear STIP and program
 *     the next timer (a7 = 0) or to stop (a7 = 1). Three times.
 *  3. msip = 1 with MSIE + MIE: the handler prints "msip N" and clears msip.
 */
#include "lib.h"

#define PERIOD 10000UL      /* 1 ms at 10 MHz */

static volatile unsigned ticks, sticks, msips;
static volatile int phase;
static uint64_t start;

void m_trap(struct trap_frame *f)
{
    handle_lower_return(f);
    unsigned long c = f->cause;
    if (c == (CAUSE_INTR | IRQ_M_TIMER)) {
        if (phase == 1) {
            ticks++;
            kprintf("tick %u\n", ticks);
            if (ticks < 5) {
                set_mtimecmp(get_mtimecmp() + PERIOD);
            } else {
                csr_clear(mie, MIP_MTIP);
                set_mtimecmp(~0UL);
            }
        } else {
            /* forward to S-mode: raise STIP, mask our own timer until S asks again */
            csr_set(mip, MIP_STIP);
            csr_clear(mie, MIP_MTIP);
        }
        return;
    }
    if (c == (CAUSE_INTR | IRQ_M_SOFT)) {
        set_msip(0);
        msips++;
        kprintf("msip %u: mcause=0x%lx\n", msips, c);
        return;
    }
    if (c == CAUSE_ECALL_S) {
        /* "SBI" call from the S handler: a7 = 0 set timer, a7 = 1 stop */
        csr_clear(mip, MIP_STIP);
        if (f->regs[REG_A7] == 0) {
            set_mtimecmp(mtime() + PERIOD);
            csr_set(mie, MIP_MTIP);
        } else {
            set_mtimecmp(~0UL);
        }
        f->epc += 4;
        return;
    }
    kprintf("unexpected M trap: mcause=0x%lx mtval=0x%lx\n", c, f->tval);
    fail(1);
}

static void sbi_call(unsigned long which)
{
    register unsigned long a7 __asm__("a7") = which;
    __asm__ volatile("ecall" : : "r"(a7) : "memory");
}

void s_trap(struct trap_frame *f)
{
    if (f->cause == (CAUSE_INTR | IRQ_S_TIMER)) {
        sticks++;
        kprintf("stick %u: scause=0x%lx\n", sticks, f->cause);
        sbi_call(sticks < 3 ? 0 : 1);
        return;
    }
    kprintf("unexpected S trap: scause=0x%lx stval=0x%lx\n", f->cause, f->tval);
    lower_return(-1);
}

static void s_main(void)
{
    csr_set(sstatus, MSTATUS_SIE);
    while (sticks < 3)
        wfi();
    csr_clear(sstatus, MSTATUS_SIE);
    lower_return(0);
}

int main(void)
{
    kprintf("timer: machine timer, 5 ticks of %lu\n", PERIOD);
    phase = 1;
    start = mtime();
    set_mtimecmp(start + PERIOD);
    csr_write(mie, MIP_MTIP);
    irq_enable();
    while (ticks < 5)
        wfi();
    irq_disable();
    kprintf("timer: mtime advanced >= %lu: %s\n", 5 * PERIOD,
            mtime() - start >= 5 * PERIOD ? "yes" : "no");

    kprintf("timer: supervisor timer via mideleg, 3 ticks\n");
    phase = 2;
    csr_write(mideleg, MIP_STIP);
    csr_write(stvec, (unsigned long)s_trap_entry);
    kprintf("mideleg=0x%lx\n", csr_read(mideleg));
    set_mtimecmp(mtime() + PERIOD);
    csr_write(mie, MIP_MTIP | MIP_STIP);
    long r = run_in_mode(s_main, 1);
    csr_write(mie, 0);
    csr_write(mideleg, 0);
    kprintf("timer: back in M r=%ld, mip.STIP=%lu\n", r, (csr_read(mip) >> IRQ_S_TIMER) & 1);

    kprintf("timer: machine software interrupt\n");
    csr_write(mie, MIP_MSIP);
    irq_enable();
    set_msip(1);
    while (msips < 1)
        wfi();
    irq_disable();
    csr_write(mie, 0);
    kprintf("timer: done ticks=%u sticks=%u msips=%u\n", ticks, sticks, msips);
    return 0;
}
