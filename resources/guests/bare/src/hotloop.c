/* hotloop: traps and interrupts in the middle of hot loops (M-mode). A loop of loads takes a
 * load access fault at iteration 2500 of 3000: the handler reports the loop's registers and
 * the faulting pc, supplies the value and skips the load; the loop finishes. Then two loops that
 * only end when the machine timer interrupt is taken inside them: one polls a flag in memory
 * (the handler checks that the interrupted registers are exactly those of an instruction
 * boundary), one has no memory access at all (the handler sets a register it tests). Each
 * spin loop sets mstatus.MIE itself once its registers are cleared: a timer due before that
 * would find them stale (or have its t2 cleared after it, so the loop never ended). */
#include "lib.h"

#define BAD_ADDR 0x08000000UL   /* unmapped on both boards */

long hot_load_loop(long n, const unsigned long *arr, long bad);
long spin_on_flag(volatile int *flag);
long spin_on_reg(void);
extern char hot_load_insn[], spin_flag_loop[], spin_flag_t1[], spin_flag_end[];
extern char spin_reg_loop[], spin_reg_end[];

__asm__(
    ".text\n .balign 4\n .option push\n .option norvc\n"
    /* a0 = n, a1 = arr (64 entries), a2 = index that loads from BAD_ADDR; t0 = i, t1 = sum */
    ".globl hot_load_loop\nhot_load_loop:\n"
    "  li t0, 0\n  li t1, 0\n"
    "1: slli t2, t0, 3\n  andi t2, t2, 0x1f8\n  add t2, a1, t2\n"
    "  bne t0, a2, 2f\n  li t2, 0x08000000\n"
    "2:\n.globl hot_load_insn\nhot_load_insn:\n  ld t3, 0(t2)\n"
    "  add t1, t1, t3\n  addi t0, t0, 1\n  blt t0, a0, 1b\n"
    "  mv a0, t1\n  ret\n"
    /* a0 = flag: t0 counts, t1 = 3 * t0 at every instruction boundary but one */
    ".globl spin_on_flag\nspin_on_flag:\n  li t0, 0\n  li t1, 0\n  csrsi mstatus, 8\n"
    ".globl spin_flag_loop\nspin_flag_loop:\n  addi t0, t0, 1\n"
    ".globl spin_flag_t1\nspin_flag_t1:\n  addi t1, t1, 3\n  lw t2, 0(a0)\n  beqz t2, spin_flag_loop\n"
    ".globl spin_flag_end\nspin_flag_end:\n  mv a0, t0\n  ret\n"
    /* no memory access: ends when the handler sets t2 */
    ".globl spin_on_reg\nspin_on_reg:\n  li t0, 0\n  li t2, 0\n  csrsi mstatus, 8\n"
    ".globl spin_reg_loop\nspin_reg_loop:\n  addi t0, t0, 1\n  beqz t2, spin_reg_loop\n"
    ".globl spin_reg_end\nspin_reg_end:\n  mv a0, t0\n  ret\n"
    ".option pop\n");

static unsigned long arr[64];
static volatile int flag;
static volatile int phase;   /* 1: flag loop, 2: register loop */
static volatile unsigned long f_i, f_sum, f_tval, f_epc;
static volatile int consistent, in_loop, ticks;

void m_trap(struct trap_frame *f)
{
    unsigned long pc = f->epc;
    if (f->cause == CAUSE_LOAD_ACCESS) {
        f_i = f->regs[5];
        f_sum = f->regs[6];
        f_tval = f->tval;
        f_epc = pc - (unsigned long)hot_load_insn;
        f->regs[28] = 1000;   /* t3: the value the load would have given */
        f->epc += 4;
        return;
    }
    if (f->cause == (CAUSE_INTR | IRQ_M_TIMER)) {
        set_mtimecmp(~0UL);
        ticks++;
        if (phase == 1) {
            unsigned long t0 = f->regs[5], t1 = f->regs[6];
            unsigned long want = pc == (unsigned long)spin_flag_t1 ? 3 * (t0 - 1) : 3 * t0;
            consistent = t1 == want;
            in_loop = pc >= (unsigned long)spin_flag_loop && pc <= (unsigned long)spin_flag_end;
            flag = 1;
        } else {
            in_loop = pc >= (unsigned long)spin_reg_loop && pc <= (unsigned long)spin_reg_end;
            f->regs[7] = 1;   /* t2 */
        }
        return;
    }
    kprintf("hotloop: unexpected trap mcause=0x%lx mepc=0x%lx mtval=0x%lx\n", f->cause, f->epc,
            f->tval);
    fail(1);
}

/* The timer, due in 2 ms at 10 MHz; the spin loop enables interrupts (mstatus.MIE). */
static void arm_timer(void)
{
    set_mtimecmp(mtime() + 20000);
    csr_set(mie, MIP_MTIP);
}

int main(void)
{
    for (int i = 0; i < 64; i++)
        arr[i] = (unsigned long)i * 3 + 1;
    long sum = hot_load_loop(3000, arr, 2500);
    kprintf("hotloop: load fault at i=%lu sum so far=%lu tval=0x%lx epc=+0x%lx\n", f_i, f_sum,
            f_tval, f_epc);
    kprintf("hotloop: loop finished, sum=%ld\n", sum);

    phase = 1;
    arm_timer();
    long n = spin_on_flag(&flag);
    irq_disable();
    kprintf("hotloop: timer taken in the flag loop: %s, in the loop: %s, registers exact: %s\n",
            n > 0 ? "yes" : "no", in_loop ? "yes" : "no", consistent ? "yes" : "no");

    phase = 2;
    in_loop = 0;
    arm_timer();
    n = spin_on_reg();
    irq_disable();
    kprintf("hotloop: timer taken in the register loop: %s, in the loop: %s, ticks=%d\n",
            n > 0 ? "yes" : "no", in_loop ? "yes" : "no", ticks);
    return 0;
}
