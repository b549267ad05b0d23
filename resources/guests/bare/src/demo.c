/* demo (Berth only): the interactive guest behind the desktop app's default VM.
 *
 * Boot log with printk-style timestamps from mtime, then a small line-editing shell on the
 * UART. UART receive and the power button's SCI arrive as PLIC interrupts; the interrupt
 * handler only queues bytes and button presses, the main loop does the rest and sleeps in
 * WFI whenever there is nothing to do. Commands: help, uptime, status, button
 * [poweroff|ignore|ask], suspend, poweroff, reboot, fail N, flood N, fb. On Berth's
 * framebuffer it draws a status screen (a ship at its berth) whose bottom bar shows the
 * machine state: green running, orange shutting down, grey off, amber suspended.
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

/* ---- framebuffer: a status screen drawn from rectangles and triangles --------------------
 *
 * fb_ok is set at boot when the device tree has a "simple-framebuffer" node (the Berth
 * board); the geometry is the board's fixed one from board.h. Every store is naturally
 * aligned (Berth faults on misaligned device accesses): runs of pixels go out as 64-bit
 * stores from an even x on, with a 32-bit store at an odd start or end.
 *
 * Screen: y 0-583 night sky (gradient, stars), y 584-663 water (gradient, wave dashes),
 * y 664-671 the quay edge, y 672-719 the quay wall; a sailing ship moored at the quay;
 * y 720-767 (all 1024 columns) the status bar in the machine-state colour.
 */
#define BAR_Y        (FB_HEIGHT - 48)       /* status bar: rows 720-767 */
#define COL_RUNNING  0x2e7d32u              /* green */
#define COL_SHUTDOWN 0xef6c00u              /* orange */
#define COL_OFF      0x424242u              /* dark grey, just before S5 */
#define COL_SUSPEND  0xf9a825u              /* amber */
#define COL_STEP     0xffe0b2u              /* a shutdown step done */
#define COL_SLOT     0xbf360cu              /* a shutdown step still to come */
#define SHUTDOWN_STEPS 4

static int fb_ok;

/* Pixels x0 <= x < x1 of row y (clipped horizontally). */
static void fill_span(int y, int x0, int x1, uint32_t c)
{
    if (x0 < 0) x0 = 0;
    if (x1 > FB_WIDTH) x1 = FB_WIDTH;
    if (x0 >= x1)
        return;
    volatile uint32_t *p = (volatile uint32_t *)(FB_BASE + (unsigned long)y * FB_STRIDE) + x0;
    if (x0 & 1) {
        *p++ = c;
        x0++;
    }
    volatile uint64_t *q = (volatile uint64_t *)p;
    uint64_t cc = (uint64_t)c << 32 | c;
    for (int n = (x1 - x0) >> 1; n > 0; n--)
        *q++ = cc;
    if ((x1 - x0) & 1)
        *(volatile uint32_t *)q = c;
}

/* x0 <= x < x1, y0 <= y < y1 */
static void fill_rect(int x0, int y0, int x1, int y1, uint32_t c)
{
    if (y0 < 0) y0 = 0;
    if (y1 > FB_HEIGHT) y1 = FB_HEIGHT;
    for (int y = y0; y < y1; y++)
        fill_span(y, x0, x1, c);
}

/* x of the edge (xa,ya)-(xb,yb), ya < yb, at the centre of row y (coordinates >= 0) */
static int edge_x(int xa, int ya, int xb, int yb, int y)
{
    long d = 2L * (yb - ya), n = 2L * (y - ya) + 1;
    return (int)(((long)xa * d + (long)(xb - xa) * n + d / 2) / d);
}

/* Scanline fill: the rows whose centre lies inside, each from edge to edge. */
static void fill_tri(int x0, int y0, int x1, int y1, int x2, int y2, uint32_t c)
{
    int t;
#define SWAP_PT(a, b) (t = x##a, x##a = x##b, x##b = t, t = y##a, y##a = y##b, y##b = t)
    if (y1 < y0) SWAP_PT(0, 1);
    if (y2 < y0) SWAP_PT(0, 2);
    if (y2 < y1) SWAP_PT(1, 2);
#undef SWAP_PT
    for (int y = y0 < 0 ? 0 : y0; y < y2 && y < FB_HEIGHT; y++) {
        int xa = edge_x(x0, y0, x2, y2, y);
        int xb = y < y1 ? edge_x(x0, y0, x1, y1, y) : edge_x(x1, y1, x2, y2, y);
        if (xa < xb)
            fill_span(y, xa, xb, c);
        else
            fill_span(y, xb, xa, c);
    }
}

static void fill_gradient(int y0, int y1, uint32_t top, uint32_t bottom)
{
    int n = y1 - y0 - 1;
    for (int y = y0; y < y1; y++) {
        uint32_t c = 0;
        for (int s = 16; s >= 0; s -= 8) {
            int a = (int)(top >> s & 0xff), b = (int)(bottom >> s & 0xff);
            c |= (uint32_t)(a + (b - a) * (y - y0) / n) << s;
        }
        fill_span(y, 0, FB_WIDTH, c);
    }
}

/* The scene, back to front: R = rectangle x0,y0,x1,y1; T = triangle x0,y0,x1,y1,x2,y2. */
enum { R, T };
static const struct shape {
    uint8_t kind;
    int16_t v[6];
    uint32_t c;
} scene[] = {
    /* water: wave dashes */
    { R, { 60, 618, 180, 620 }, 0x24506e }, { R, { 430, 614, 520, 616 }, 0x24506e },
    { R, { 880, 622, 990, 624 }, 0x24506e }, { R, { 140, 640, 230, 642 }, 0x1d4560 },
    { R, { 560, 636, 700, 638 }, 0x1d4560 }, { R, { 820, 648, 900, 650 }, 0x1d4560 },
    /* quay: edge line, wall, joints */
    { R, { 0, 664, 1024, 672 }, 0x90a4ae }, { R, { 0, 672, 1024, 720 }, 0x37474f },
    { R, { 0, 695, 1024, 697 }, 0x263238 },
    { R, { 126, 672, 128, 695 }, 0x263238 }, { R, { 382, 672, 384, 695 }, 0x263238 },
    { R, { 638, 672, 640, 695 }, 0x263238 }, { R, { 894, 672, 896, 695 }, 0x263238 },
    { R, { 254, 697, 256, 720 }, 0x263238 }, { R, { 510, 697, 512, 720 }, 0x263238 },
    { R, { 766, 697, 768, 720 }, 0x263238 },
    /* sails, mast, pennant */
    { T, { 384, 226, 384, 500, 560, 500 }, 0xeceff1 },
    { T, { 368, 246, 368, 500, 236, 500 }, 0xb0bec5 },
    { R, { 372, 206, 380, 520 }, 0x8d6e63 },
    { T, { 380, 206, 380, 222, 412, 214 }, 0xe53935 },
    /* cabin: roof, walls, lit windows */
    { R, { 580, 446, 750, 457 }, 0x546e7a }, { R, { 590, 457, 740, 520 }, 0xcfd8dc },
    { R, { 604, 474, 624, 490 }, 0xffe082 }, { R, { 638, 474, 658, 490 }, 0xffe082 },
    { R, { 672, 474, 692, 490 }, 0xffe082 }, { R, { 706, 474, 726, 490 }, 0xffe082 },
    /* hull: body, bow, stern, white band, portholes */
    { R, { 270, 520, 790, 600 }, 0xb71c1c },
    { T, { 200, 520, 270, 520, 270, 600 }, 0xb71c1c },
    { T, { 790, 520, 826, 520, 790, 600 }, 0xb71c1c },
    { T, { 209, 530, 822, 530, 216, 538 }, 0xeceff1 },
    { T, { 822, 530, 818, 538, 216, 538 }, 0xeceff1 },
    { R, { 300, 556, 310, 566 }, 0xffe082 }, { R, { 360, 556, 370, 566 }, 0xffe082 },
    { R, { 420, 556, 430, 566 }, 0xffe082 }, { R, { 480, 556, 490, 566 }, 0xffe082 },
    { R, { 540, 556, 550, 566 }, 0xffe082 }, { R, { 600, 556, 610, 566 }, 0xffe082 },
    { R, { 660, 556, 670, 566 }, 0xffe082 }, { R, { 720, 556, 730, 566 }, 0xffe082 },
    /* mooring lines (3 px wide) to two bollards on the quay */
    { T, { 242, 646, 245, 646, 288, 586 }, 0xbcaaa4 },
    { T, { 245, 646, 291, 586, 288, 586 }, 0xbcaaa4 },
    { T, { 786, 646, 789, 646, 762, 586 }, 0xbcaaa4 },
    { T, { 789, 646, 765, 586, 762, 586 }, 0xbcaaa4 },
    { R, { 236, 646, 252, 664 }, 0x263238 }, { R, { 232, 642, 256, 648 }, 0x455a64 },
    { R, { 780, 646, 796, 664 }, 0x263238 }, { R, { 776, 642, 800, 648 }, 0x455a64 },
};

static void fb_bar(uint32_t c)
{
    if (fb_ok)
        fill_rect(0, BAR_Y, FB_WIDTH, FB_HEIGHT, c);
}

/* Shutdown progress: one 40x24 block per step printed, at x 12+48i, y 732-755. */
static void fb_shutdown_progress(int done)
{
    for (int i = 0; fb_ok && i < SHUTDOWN_STEPS; i++)
        fill_rect(12 + 48 * i, BAR_Y + 12, 52 + 48 * i, BAR_Y + 36,
                  i < done ? COL_STEP : COL_SLOT);
}

/* Power button ignored: a 24x24 orange square at x 12-35, y 732-755 (left as it is). */
static void fb_button_ignored(void)
{
    if (fb_ok)
        fill_rect(12, BAR_Y + 12, 36, BAR_Y + 36, COL_SHUTDOWN);
}

static void fb_draw_screen(void)
{
    if (!fb_ok)
        return;
    fill_gradient(0, 584, 0x0a0f1e, 0x1e2f4d);          /* sky */
    fill_gradient(584, 664, 0x143650, 0x0a1a2a);        /* water (the hull dips in) */
    uint32_t r = 0x2545;                                 /* stars: a fixed LCG */
    for (int i = 0; i < 60; i++) {
        r = r * 1103515245u + 12345u;
        int x = (int)(r >> 8 & 1023), y = 12 + (int)(r >> 18 & 511) % 400;
        fill_rect(x, y, x + 2, y + 2, r & 0x80000000u ? 0xb0bec5 : 0x607d8b);
    }
    for (unsigned i = 0; i < sizeof scene / sizeof scene[0]; i++) {
        const int16_t *v = scene[i].v;
        if (scene[i].kind == R)
            fill_rect(v[0], v[1], v[2], v[3], scene[i].c);
        else
            fill_tri(v[0], v[1], v[2], v[3], v[4], v[5], scene[i].c);
    }
    fb_bar(COL_RUNNING);
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
    fb_bar(COL_SHUTDOWN);
    fb_shutdown_progress(0);
    for (unsigned i = 0; i < sizeof steps / sizeof steps[0]; i++) {
        klog("%s", steps[i]);
        fb_shutdown_progress((int)i + 1);
        sleep_ticks(TIMEBASE_HZ / 20);     /* 50 ms */
    }
    klog("reached target power-off");
    fb_shutdown_progress(SHUTDOWN_STEPS);
    klog("pm: entering S5");
    fb_bar(COL_OFF);
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
    fb_bar(COL_SUSPEND);
    irq_disable();
    mmio_write16(PM1_CNT, PM1_SLP_TYP(1) | PM1_SLP_EN | PM1_SCI_EN);
    klog("pm: resumed from S3");
    fb_bar(COL_RUNNING);
    irq_enable();
}

/* ---- device tree: find /memory ------------------------------------------------------- */
static uint32_t be32(const uint8_t *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static const uint8_t *fdt_header(unsigned long fdt)
{
    if (fdt < RAM_BASE || (fdt & 3))
        return 0;
    const uint8_t *h = (const uint8_t *)fdt;
    return be32(h) == 0xd00dfeed ? h : 0;
}

static int fdt_memory(unsigned long fdt, uint64_t *base, uint64_t *size)
{
    const uint8_t *h = fdt_header(fdt);
    if (!h)
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

/* Does any node list `compat` in its "compatible" property? */
static int fdt_has_compatible(unsigned long fdt, const char *compat)
{
    const uint8_t *h = fdt_header(fdt);
    if (!h)
        return 0;
    const uint8_t *p = h + be32(h + 8), *end = p + be32(h + 36), *strs = h + be32(h + 12);
    uint32_t clen = (uint32_t)strlen(compat) + 1;
    while (p < end) {
        uint32_t tok = be32(p);
        p += 4;
        if (tok == 1) {                                 /* FDT_BEGIN_NODE */
            p += (strlen((const char *)p) + 4) & ~3UL;
        } else if (tok == 3) {                          /* FDT_PROP: a list of strings */
            uint32_t len = be32(p);
            const char *val = (const char *)p + 8;
            if (strcmp((const char *)strs + be32(p + 4), "compatible") == 0)
                for (uint32_t i = 0; i + clen <= len; i += (uint32_t)strlen(val + i) + 1)
                    if (memcmp(val + i, compat, clen) == 0)
                        return 1;
            p += 8 + ((len + 3) & ~3UL);
        } else if (tok != 2 && tok != 4) {              /* not END_NODE/NOP: the end */
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
                "  flood N                       print N KiB of coloured lines at full speed\n"
                "  fb                            redraw the framebuffer status screen\n");
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
    } else if (strcmp(c, "fb") == 0) {
        if (!fb_ok) {
            kprintf("fb: no framebuffer (no simple-framebuffer in the device tree)\n");
            return;
        }
        fb_draw_screen();
        kprintf("fb: %dx%d at 0x%lx\n", FB_WIDTH, FB_HEIGHT, FB_BASE);
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
        fb_button_ignored();
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
    fb_ok = fdt_has_compatible(boot_fdt, "simple-framebuffer");
    if (fb_ok)
        klog("fb: simple-framebuffer %dx%d at 0x%lx", FB_WIDTH, FB_HEIGHT, FB_BASE);
    else
        klog("fb: none in the device tree");

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
    fb_draw_screen();           /* UART input meanwhile is queued by the interrupt handler */
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
