/* demo (Berth only): the interactive guest behind the desktop app's default VM.
 *
 * Boot log with printk-style timestamps from mtime, then a small line-editing shell on the
 * UART. UART receive and the power button's SCI arrive as PLIC interrupts; the interrupt
 * handler only queues bytes and button presses, the main loop does the rest and sleeps in
 * WFI whenever there is nothing to do. Commands: help, uptime, status, button
 * [poweroff|ignore|ask], suspend, poweroff, reboot, fail N.
 */
#include "lib.h"

#define PROMPT "demo$ "

enum policy { POL_POWEROFF, POL_IGNORE, POL_ASK };
static const char *const policy_name[] = { "poweroff", "ignore", "ask" };

static enum policy policy = POL_POWEROFF;

/* filled by the interrupt handler */
static volatile uint8_t rxq[256];
static volatile unsigned rx_head, rx_tail;     /* head: written by ISR; tail: main loop */
static volatile unsigned long presses;         /* power button presses seen */
static volatile int timer_fired;

static unsigned long presses_done;
static char line[128];
static unsigned line_len;
static int asking;          /* waiting for the answer to "Power off? [y/N]" */
static int last_cr;

/* ---- time and logging ------------------------------------------------------------- */
static void print_stamp(void)
{
    uint64_t t = mtime();
    kprintf("[%5lu.%06lu] ", (unsigned long)(t / TIMEBASE_HZ),
            (unsigned long)(t % TIMEBASE_HZ / (TIMEBASE_HZ / 1000000)));
}

static void klog(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void klog(const char *fmt, ...)
{
    va_list ap;
    print_stamp();
    va_start(ap, fmt);
    kvprintf(fmt, ap);
    va_end(ap);
    uart_putc('\n');
}

/* Sleep in WFI until `ticks` of mtime have passed (interrupts keep being served). */
static void sleep_ticks(uint64_t ticks)
{
    uint64_t target = mtime() + ticks;
    for (;;) {
        irq_disable();
        if (mtime() >= target)
            break;
        timer_fired = 0;
        set_mtimecmp(target);
        csr_set(mie, MIP_MTIP);
        wfi();
        irq_enable();
    }
    csr_clear(mie, MIP_MTIP);
    set_mtimecmp(~0UL);
    irq_enable();
}

/* ---- interrupts --------------------------------------------------------------------- */
void m_trap(struct trap_frame *f)
{
    if (f->cause == (CAUSE_INTR | IRQ_M_EXT)) {
        unsigned id;
        while ((id = plic_claim(0)) != 0) {
            if (id == UART_IRQ) {
                int c;
                while ((c = uart_getc()) >= 0) {
                    unsigned h = rx_head;
                    if (h - rx_tail < sizeof rxq) {     /* drop when full */
                        rxq[h % sizeof rxq] = (uint8_t)c;
                        rx_head = h + 1;
                    }
                }
            } else if (id == PM_IRQ) {
                uint16_t sts = mmio_read16(PM1_STS);
                if (sts & PM1_PWRBTN)
                    presses++;
                mmio_write16(PM1_STS, sts);              /* write 1 to clear */
            }
            plic_complete(0, id);
        }
        return;
    }
    if (f->cause == (CAUSE_INTR | IRQ_M_TIMER)) {
        set_mtimecmp(~0UL);
        timer_fired = 1;
        return;
    }
    kprintf("\ndemo: unexpected trap mcause=0x%lx mtval=0x%lx mepc=0x%lx\n", f->cause,
            f->tval, f->epc);
    fail(1);
}

/* ---- power ---------------------------------------------------------------------------- */
static void orderly_poweroff(void) __attribute__((noreturn));
static void orderly_poweroff(void)
{
    static const char *const steps[] = {
        "stopping services...",
        "syncing disks...",
        "unmounting filesystems...",
    };
    for (unsigned i = 0; i < sizeof steps / sizeof steps[0]; i++) {
        klog("%s", steps[i]);
        sleep_ticks(TIMEBASE_HZ / 20);     /* 50 ms */
    }
    klog("reached target power-off");
    klog("pm: entering S5");
    mmio_write16(PM1_CNT, PM1_SLP_TYP(0) | PM1_SLP_EN | PM1_SCI_EN);
    sleep_ticks(TIMEBASE_HZ);              /* the machine should be gone long before */
    klog("pm: power-off failed");
    fail(2);
}

/* S3: on Berth the write stops the guest (SUSPEND) until a wake-up (system_wakeup, or a
 * power-button press with PWRBTN_EN set); execution then continues with the next
 * instruction. Interrupts stay off across the write so that "resumed" is printed before a
 * waking press's SCI is taken; the press is then handled by the main loop as usual. */
static void suspend_to_ram(void)
{
    klog("pm: entering S3 (suspend to RAM)");
    irq_disable();
    mmio_write16(PM1_CNT, PM1_SLP_TYP(1) | PM1_SLP_EN | PM1_SCI_EN);
    klog("pm: resumed from S3");
    irq_enable();
}

/* ---- device tree: find /memory ------------------------------------------------------- */
static uint32_t be32(const uint8_t *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static int fdt_memory(unsigned long fdt, uint64_t *base, uint64_t *size)
{
    if (fdt < RAM_BASE || (fdt & 3))
        return 0;
    const uint8_t *h = (const uint8_t *)fdt;
    if (be32(h) != 0xd00dfeed)
        return 0;
    const uint8_t *st = h + be32(h + 8), *strs = h + be32(h + 12);
    const uint8_t *end = st + be32(h + 36);
    unsigned depth = 0, acells = 2, scells = 2, in_mem = 0;
    for (const uint8_t *p = st; p < end;) {
        uint32_t tok = be32(p);
        p += 4;
        if (tok == 1) {                                 /* FDT_BEGIN_NODE */
            const char *name = (const char *)p;
            depth++;
            in_mem = depth == 2 && strncmp(name, "memory", 6) == 0 &&
                     (name[6] == 0 || name[6] == '@');
            p += (strlen(name) + 4) & ~3UL;
        } else if (tok == 2) {                          /* FDT_END_NODE */
            depth--;
            in_mem = 0;
        } else if (tok == 3) {                          /* FDT_PROP */
            uint32_t len = be32(p), nameoff = be32(p + 4);
            const uint8_t *val = p + 8;
            const char *pname = (const char *)(strs + nameoff);
            if (depth == 1 && len == 4 && strcmp(pname, "#address-cells") == 0)
                acells = be32(val);
            if (depth == 1 && len == 4 && strcmp(pname, "#size-cells") == 0)
                scells = be32(val);
            if (in_mem && strcmp(pname, "reg") == 0 && len >= 4 * (acells + scells)) {
                uint64_t b = 0, s = 0;
                for (unsigned i = 0; i < acells; i++) b = b << 32 | be32(val + 4 * i);
                for (unsigned i = 0; i < scells; i++) s = s << 32 | be32(val + 4 * (acells + i));
                *base = b;
                *size = s;
                return 1;
            }
            p += 8 + ((len + 3) & ~3UL);
        } else if (tok == 4) {                          /* FDT_NOP */
        } else {                                        /* FDT_END or garbage */
            break;
        }
    }
    return 0;
}

/* ---- shell ------------------------------------------------------------------------------ */
static void print_uptime(const char *label)
{
    uint64_t t = mtime();
    kprintf("%s%lu.%02lu s\n", label, (unsigned long)(t / TIMEBASE_HZ),
            (unsigned long)(t % TIMEBASE_HZ / (TIMEBASE_HZ / 100)));
}

static void prompt(void)
{
    if (asking)
        kprintf("Power button pressed. Power off? [y/N] ");
    else
        kprintf(PROMPT);
    for (unsigned i = 0; i < line_len; i++)
        uart_putc(line[i]);
}

static int parse_uint(const char *s, unsigned long *out)
{
    unsigned long v = 0;
    if (!*s)
        return 0;
    for (; *s; s++) {
        if (*s < '0' || *s > '9' || v > 100000000UL)
            return 0;
        v = v * 10 + (unsigned long)(*s - '0');
    }
    *out = v;
    return 1;
}

static void flood(unsigned long kib);

static void command(char *cmd)
{
    /* split into up to 3 words */
    char *argv[3] = { 0, 0, 0 };
    int argc = 0;
    for (char *p = cmd; *p && argc < 3;) {
        while (*p == ' ' || *p == '\t') *p++ = 0;
        if (!*p) break;
        argv[argc++] = p;
        while (*p && *p != ' ' && *p != '\t') p++;
    }
    if (argc == 0)
        return;
    const char *c = argv[0];
    if (strcmp(c, "help") == 0) {
        kprintf("commands:\n"
                "  help                          this list\n"
                "  uptime                        seconds since power-on\n"
                "  status                        power button policy and uptime\n"
                "  button [poweroff|ignore|ask]  show or set the power button policy\n"
                "  suspend                       suspend to RAM (ACPI S3) until woken\n"
                "  poweroff                      orderly shutdown (ACPI S5)\n"
                "  reboot                        reset the machine\n"
                "  fail N                        failure exit with code N\n"
                "  flood N                       print N KiB of coloured lines at full speed\n");
    } else if (strcmp(c, "uptime") == 0) {
        print_uptime("up ");
    } else if (strcmp(c, "status") == 0) {
        kprintf("power button policy: %s\n", policy_name[policy]);
        kprintf("power button presses: %lu\n", presses_done);
        print_uptime("uptime: ");
    } else if (strcmp(c, "button") == 0) {
        if (argc == 1) {
            kprintf("power button policy: %s\n", policy_name[policy]);
            return;
        }
        for (int i = 0; i < 3; i++)
            if (strcmp(argv[1], policy_name[i]) == 0) {
                policy = (enum policy)i;
                klog("pm: power button policy: %s", policy_name[policy]);
                return;
            }
        kprintf("usage: button [poweroff|ignore|ask]\n");
    } else if (strcmp(c, "suspend") == 0) {
        suspend_to_ram();
    } else if (strcmp(c, "poweroff") == 0) {
        orderly_poweroff();
    } else if (strcmp(c, "reboot") == 0) {
        klog("reboot: restarting system");
        reset();
    } else if (strcmp(c, "flood") == 0) {
        unsigned long n;
        if (argc < 2 || !parse_uint(argv[1], &n) || n > 1048576) {
            kprintf("usage: flood N   (KiB, 0 <= N <= 1048576)\n");
            return;
        }
        flood(n);
    } else if (strcmp(c, "fail") == 0) {
        unsigned long n;
        if (argc < 2 || !parse_uint(argv[1], &n) || n > 0xffff) {
            kprintf("usage: fail N   (0 <= N <= 65535)\n");
            return;
        }
        kprintf("failing with code %lu\n", n);
        fail((unsigned)n);
    } else {
        kprintf("demo: %s: command not found\n", c);
    }
}

/*
 * Console throughput test: N KiB of 64-byte lines, each in one of six SGR colours, as fast as
 * the UART takes them. Interrupts stay on, so the power button still works mid-flood.
 */
static void flood(unsigned long kib)
{
    /* ESC[3Cm (5) + "flood 00000000 " (15) + 38 filler + ESC[0m (4) + LF, sent as CR LF = 64 */
    static char line[] = "\x1b[31mflood 00000000 abcdefghijklmnopqrstuvwxyz0123456789AB\x1b[0m\n";
    unsigned long lines = kib * 16;
    for (unsigned long i = 0; i < lines; i++) {
        line[3] = (char)('1' + i % 6);
        unsigned long v = i;
        for (int d = 0; d < 8; d++) {
            line[18 - d] = (char)('0' + v % 10);
            v /= 10;
        }
        uart_puts(line);
    }
    kprintf("flood done: %lu bytes\n", lines * 64);
}

static void end_of_line(void)
{
    uart_putc('\n');
    line[line_len] = 0;
    if (asking) {
        asking = 0;
        if (strcmp(line, "y") == 0 || strcmp(line, "Y") == 0 || strcmp(line, "yes") == 0) {
            line_len = 0;
            orderly_poweroff();
        }
        kprintf("power off cancelled\n");
    } else {
        command(line);
    }
    line_len = 0;
    prompt();
}

static void input(uint8_t c)
{
    int was_cr = last_cr;
    last_cr = c == '\r';
    if (c == '\n' && was_cr)
        return;                                    /* CR LF */
    if (c == '\r' || c == '\n') {
        end_of_line();
    } else if (c == 0x7f || c == 0x08) {
        if (line_len) {
            line_len--;
            uart_puts("\b \b");
        }
    } else if (c == 0x03) {                        /* ^C */
        uart_puts("^C\n");
        line_len = 0;
        asking = 0;
        prompt();
    } else if (c >= 0x20 && c < 0x7f && line_len < sizeof line - 1) {
        line[line_len++] = (char)c;
        uart_putc((char)c);
    }
}

static void button_pressed(void)
{
    uart_putc('\n');               /* finish the prompt line (and any partial input) */
    switch (policy) {
    case POL_POWEROFF:
        klog("pm: power button pressed (policy: poweroff)");
        orderly_poweroff();
    case POL_IGNORE:
        klog("pm: power button pressed, ignored (policy: ignore)");
        break;
    case POL_ASK:
        asking = 1;
        line_len = 0;
        break;
    }
    prompt();
}

int main(void)
{
    uart_onlcr = 1; /* the console is a terminal: end lines with CR LF */
    kprintf("Berth demo guest v1\n");
    unsigned long misa = csr_read(misa);
    char isa[32];
    unsigned n = 0;
    for (const char *e = "imafdcvhsu"; *e; e++)
        if (misa & (1UL << (*e - 'a')))
            isa[n++] = *e;
    isa[n] = 0;
    klog("cpu: rv%u%s hart %lu", (misa >> 62) == 2 ? 64 : 32, isa, csr_read(mhartid));
    uint64_t mbase, msize;
    if (fdt_memory(boot_fdt, &mbase, &msize))
        klog("memory: %lu MiB at 0x%lx", (unsigned long)(msize >> 20), (unsigned long)mbase);
    else
        klog("memory: no device tree at 0x%lx", boot_fdt);
    klog("fdt: at 0x%lx", boot_fdt);
    klog("uart: ns16550a at 0x%lx, irq %d", UART_BASE, UART_IRQ);

    set_mtimecmp(~0UL);
    plic_set_threshold(0, 0);
    plic_set_priority(UART_IRQ, 1);
    plic_set_priority(PM_IRQ, 1);
    plic_enable(0, UART_IRQ);
    plic_enable(0, PM_IRQ);
    uart_enable_rx_irq();
    mmio_write16(PM1_STS, PM1_PWRBTN);
    mmio_write16(PM1_EN, PM1_PWRBTN);
    mmio_write16(PM1_CNT, PM1_SCI_EN);
    klog("pm: acpi pm1 block at 0x%lx, sci irq %d", PM_BASE, PM_IRQ);
    klog("pm: power button enabled (policy: %s)", policy_name[policy]);
    csr_write(mie, MIP_MEIP);
    irq_enable();
    klog("demo login-free shell ready (type 'help')");
    prompt();

    for (;;) {
        irq_disable();
        if (rx_tail == rx_head && presses == presses_done)
            wfi();                  /* wakes on a pending MEIP even with MIE clear */
        irq_enable();               /* the interrupt is taken here */
        while (rx_tail != rx_head) {
            uint8_t c = rxq[rx_tail % sizeof rxq];
            rx_tail++;
            input(c);
        }
        if (presses != presses_done) {
            presses_done = presses;
            button_pressed();
        }
    }
}
