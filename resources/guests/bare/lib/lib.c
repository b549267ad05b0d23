/* Exit paths (sifive_test), CLINT, PLIC, default trap handlers, string helpers. */
#include "lib.h"

void poweroff(void)
{
    mmio_write32(SIFIVE_TEST_BASE, TEST_PASS);
    for (;;)
        wfi();
}

void fail(unsigned code)
{
    mmio_write32(SIFIVE_TEST_BASE, (code << 16) | TEST_FAIL);
    for (;;)
        wfi();
}

void reset(void)
{
    mmio_write32(SIFIVE_TEST_BASE, TEST_RESET);
    for (;;)
        wfi();
}

void exit(int code)
{
    if (code == 0)
        poweroff();
    fail((unsigned)code);
}

uint64_t mtime(void) { return mmio_read64(CLINT_MTIME); }
void set_mtimecmp(uint64_t v) { mmio_write64(CLINT_MTIMECMP, v); }
uint64_t get_mtimecmp(void) { return mmio_read64(CLINT_MTIMECMP); }
void set_msip(int on) { mmio_write32(CLINT_MSIP, on ? 1 : 0); }

void plic_set_priority(int src, unsigned prio) { mmio_write32(PLIC_PRIORITY(src), prio); }
void plic_enable(int ctx, int src)
{
    unsigned long a = PLIC_ENABLE(ctx, src);
    mmio_write32(a, mmio_read32(a) | (1u << (src % 32)));
}
void plic_disable(int ctx, int src)
{
    unsigned long a = PLIC_ENABLE(ctx, src);
    mmio_write32(a, mmio_read32(a) & ~(1u << (src % 32)));
}
void plic_set_threshold(int ctx, unsigned t) { mmio_write32(PLIC_THRESHOLD(ctx), t); }
unsigned plic_claim(int ctx) { return mmio_read32(PLIC_CLAIM(ctx)); }
void plic_complete(int ctx, unsigned id) { mmio_write32(PLIC_CLAIM(ctx), id); }

unsigned insn_length(unsigned long pc)
{
    return (*(volatile uint16_t *)pc & 3) == 3 ? 4 : 2;
}

int handle_lower_return(struct trap_frame *f)
{
    unsigned long c = f->cause;
    if ((c == CAUSE_ECALL_U || c == CAUSE_ECALL_S) && f->regs[REG_A7] == LOWER_RETURN_MAGIC)
        return_to_m((long)f->regs[REG_A0]);
    return 0;
}

__attribute__((weak)) void m_trap(struct trap_frame *f)
{
    handle_lower_return(f);
    kprintf("unexpected M trap: mcause=0x%lx mtval=0x%lx mepc=0x%lx\n", f->cause, f->tval, f->epc);
    fail(1);
}

__attribute__((weak)) void s_trap(struct trap_frame *f)
{
    kprintf("unexpected S trap: scause=0x%lx stval=0x%lx sepc=0x%lx\n", f->cause, f->tval, f->epc);
    lower_return(-1);
}

void *memset(void *d, int c, size_t n)
{
    volatile unsigned char *p = d;   /* volatile: keep gcc from turning this into a memset call */
    while (n--) *p++ = (unsigned char)c;
    return d;
}

void *memcpy(void *d, const void *s, size_t n)
{
    volatile unsigned char *p = d;
    const unsigned char *q = s;
    while (n--) *p++ = *q++;
    return d;
}

void *memmove(void *d, const void *s, size_t n)
{
    volatile unsigned char *p = d;
    const unsigned char *q = s;
    if (p < q) {
        while (n--) *p++ = *q++;
    } else {
        p += n; q += n;
        while (n--) *--p = *--q;
    }
    return d;
}

int memcmp(const void *a, const void *b, size_t n)
{
    const unsigned char *p = a, *q = b;
    for (; n; n--, p++, q++)
        if (*p != *q) return *p - *q;
    return 0;
}

size_t strlen(const char *s)
{
    size_t n = 0;
    while (s[n]) n++;
    return n;
}

int strcmp(const char *a, const char *b)
{
    while (*a && *a == *b) { a++; b++; }
    return (unsigned char)*a - (unsigned char)*b;
}

int strncmp(const char *a, const char *b, size_t n)
{
    for (; n; n--, a++, b++) {
        if (*a != *b) return (unsigned char)*a - (unsigned char)*b;
        if (!*a) return 0;
    }
    return 0;
}
