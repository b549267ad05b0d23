/* seip: mip.SEIP is the OR of a software-writable bit and the PLIC's S-context line, and a CSRRS
 * or CSRRC on mip modifies only the software bit (priv spec 3.1.9): setting or clearing another
 * bit while the line is high must not latch SEIP on. (OpenSBI sets and clears mip.STIP that way
 * to forward timer interrupts; a latched SEIP is an endless stream of S external interrupts.)
 * Interrupts stay disabled: everything is read from mip, and the PLIC is claimed by polling. */
#include "lib.h"

#define UART_IER_THRI 0x02
#define S_CONTEXT 1

static unsigned long seip(void) { return (csr_read(mip) >> IRQ_S_EXT) & 1; }

/* Lowers the UART's line and claims and completes whatever the S context has pending. */
static void quiet(void)
{
    mmio_write8(UART_BASE + UART_IER, 0);
    unsigned id = plic_claim(S_CONTEXT);
    if (id)
        plic_complete(S_CONTEXT, id);
}

int main(void)
{
    /* the UART's THR-empty interrupt raises PLIC source 10 for the S context only */
    plic_set_priority(UART_IRQ, 1);
    plic_enable(S_CONTEXT, UART_IRQ);
    plic_set_threshold(S_CONTEXT, 0);
    kprintf("seip: line low: %lu\n", seip());
    mmio_write8(UART_BASE + UART_IER, UART_IER_THRI);
    kprintf("seip: line high: %lu\n", seip());
    csr_set(mip, MIP_STIP);
    csr_clear(mip, MIP_STIP);
    quiet();
    kprintf("seip: line low after csrs/csrc of mip.STIP while it was high: %lu\n", seip());
    csr_set(mip, MIP_SEIP);
    kprintf("seip: software bit set: %lu\n", seip());
    mmio_write8(UART_BASE + UART_IER, UART_IER_THRI);
    csr_clear(mip, MIP_SEIP);
    kprintf("seip: software bit cleared, line high: %lu\n", seip());
    quiet();
    kprintf("seip: both low: %lu\n", seip());
    return 0;
}
