/* smc: self-modifying code, what a translating emulator breaks first. Code is written into a
 * page-aligned buffer and called often enough to be translated, then rewritten: with FENCE.I,
 * without it (a store then an immediate call: one hart, so the new code is what runs, on QEMU
 * and on Berth), from inside the code itself (a store to the page being executed, to an
 * instruction a few bytes ahead in the same straight-line run), and with plain data next to the
 * code on the same page (must not disturb it). Prints one line per case, then powers off. */
#include "lib.h"

#define LI_A0(imm)     (0x00000513u | ((uint32_t)(imm) << 20))   /* addi a0, zero, imm */
#define ADDI_A0(imm)   (0x00050513u | ((uint32_t)(imm) << 20))   /* addi a0, a0, imm */
#define SW_A1_8_A2     ((11u << 20) | (12u << 15) | (2u << 12) | (8u << 7) | 0x23u)
#define SW_A1_12_A2    ((11u << 20) | (12u << 15) | (2u << 12) | (12u << 7) | 0x23u)
#define FENCE_I        0x0000100fu
#define NOP            0x00000013u
#define RET            0x00008067u
#define HOT            2000

static uint32_t code[1024] __attribute__((aligned(4096)));   /* one page: code, then data */

typedef long (*fn0)(void);
typedef long (*fn3)(long a0, long a1, long a2);

static inline void fence_i(void) { __asm__ volatile("fence.i" ::: "memory"); }

static long call_n(int n)
{
    long s = 0;
    for (int i = 0; i < n; i++)
        s += ((fn0)(uintptr_t)code)();
    return s;
}

int main(void)
{
    code[0] = LI_A0(1);
    code[1] = RET;
    fence_i();
    long s1 = call_n(HOT);
    code[0] = LI_A0(7);
    fence_i();
    long s2 = call_n(HOT);
    kprintf("smc: fence.i: %ld then %ld\n", s1, s2);

    code[0] = LI_A0(9);                  /* no fence.i: the store, then the call */
    long s3 = ((fn0)(uintptr_t)code)();
    code[0] = LI_A0(11);
    long s4 = call_n(HOT);
    kprintf("smc: no fence.i: %ld then %ld\n", s3, s4);

    /* sw a1, 8(a2); nop; addi a0, a0, ?; ret -- the store rewrites the addi it is about to run.
     * Without FENCE.I the spec lets the old or the new addi run: Berth runs the new one (both
     * tiers), QEMU 7.2 the old one until its translation block ends (expected/smc.board.out). */
    code[0] = SW_A1_8_A2;
    code[1] = NOP;
    code[2] = ADDI_A0(1);
    code[3] = RET;
    fence_i();
    fn3 f = (fn3)(uintptr_t)code;
    long t = 0;
    for (int i = 0; i < HOT; i++)
        t += f(0, ADDI_A0(1), (long)(uintptr_t)code);   /* rewrites the same word */
    long u = f(0, ADDI_A0(100), (long)(uintptr_t)code);
    long v = f(5, ADDI_A0(1), (long)(uintptr_t)code);
    long w = f(5, ADDI_A0(-3), (long)(uintptr_t)code);
    kprintf("smc: same page, ahead of the pc: %ld %ld %ld %ld\n", t, u, v, w);

    /* the same with FENCE.I between the store and the rewritten addi: the new one must run */
    code[0] = SW_A1_12_A2;
    code[1] = FENCE_I;
    code[2] = NOP;
    code[3] = ADDI_A0(1);
    code[4] = RET;
    fence_i();
    t = 0;
    for (int i = 0; i < HOT; i++)
        t += f(0, ADDI_A0(1), (long)(uintptr_t)code);
    u = f(0, ADDI_A0(100), (long)(uintptr_t)code);
    v = f(5, ADDI_A0(1), (long)(uintptr_t)code);
    w = f(5, ADDI_A0(-3), (long)(uintptr_t)code);
    kprintf("smc: same page with fence.i: %ld %ld %ld %ld\n", t, u, v, w);

    code[0] = LI_A0(3);
    code[1] = RET;
    fence_i();
    volatile uint32_t *data = &code[512];
    long s5 = 0;
    for (int i = 0; i < HOT; i++) {
        data[0] += 2;
        s5 += ((fn0)(uintptr_t)code)();
    }
    kprintf("smc: data beside code: %ld data=%u\n", s5, (unsigned)data[0]);
    kprintf("smc: done\n");
    return 0;
}
