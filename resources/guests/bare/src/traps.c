/* traps: exceptions, delegation, privilege transitions and vectored interrupts.
 *
 * Every faulting instruction sits in a small assembly stub below; the handler records
 * mcause/mtval/mepc and skips the instruction, and the line printed gives mepc as an
 * offset from the stub's label (and mtval relative to `buf` for RAM addresses), so the
 * output does not depend on where the image is linked.
 * Format: "NAME: cause=N tval=X epc=+0xOFF" (S-mode handler lines use scause/stval/sepc).
 */
#include "lib.h"

#define UNMAPPED 0x08000000UL   /* a hole in both Berth's and QEMU virt's map */

uint64_t buf[4] __attribute__((aligned(64)));

static volatile struct {
    unsigned long count, cause, tval, epc, status;
} rec;

volatile unsigned long s_base;      /* label the S handler reports sepc against */
volatile unsigned long vec_hit[2];  /* vectored-mode: {vector, mcause} */
volatile unsigned long vec_exc_flag;

/* ---- stubs ---------------------------------------------------------------------- */
void t_illegal_word(void); void t_illegal_csr(void); void t_illegal_c0(void);
void t_illegal_crsv(void); void t_illegal_cfp(void); void t_ecall_m(void);
void t_ebreak(void); void t_cebreak(void);
void t_load(unsigned long a); void t_store(unsigned long a); void t_fetch(unsigned long a);
void t_amoadd_w(unsigned long a); void t_amoswap_d(unsigned long a);
void t_lr_w(unsigned long a); void t_lr_d(unsigned long a);
long t_sc_w(unsigned long a);
long t_ld(unsigned long a); long t_lw(unsigned long a); long t_lh(unsigned long a);
long t_lhu(unsigned long a); void t_sd(unsigned long a, unsigned long v);
void t_mmio_lw(unsigned long a); void t_csrw_mhartid(void);
void s_ecall(void); void u_ecall(void); void s_csr_mstatus(void); void s_mret(void);
void u_csr_sstatus(void); void u_sret(void); void s_illegal(void); void s_ecall_m(void);
void u_deleg(void); void vtable(void);

__asm__(
    ".pushsection .text.trapstubs, \"ax\"\n"
    ".option push\n"
    ".option norvc\n"
    ".balign 4\n"
    ".globl t_illegal_word\n"
    "t_illegal_word:  li a0, 1\n .word 0x0000000b\n ret\n"
    ".globl t_illegal_csr\n"
    "t_illegal_csr:   li a0, 2\n csrr a0, 0x8ff\n ret\n"
    ".globl t_illegal_c0\n"
    "t_illegal_c0:    li a0, 3\n .half 0x0000\n .half 0x0001\n ret\n"   /* c.unimp, c.nop */
    ".globl t_illegal_crsv\n"
    "t_illegal_crsv:  li a0, 4\n .half 0x8000\n .half 0x0001\n ret\n"   /* reserved quadrant 0 */
    ".globl t_illegal_cfp\n"
    "t_illegal_cfp:   li a0, 5\n .half 0x2000\n .half 0x0001\n ret\n"   /* c.fld: mstatus.FS is Off */
    ".globl t_ecall_m\n"
    "t_ecall_m:       li a7, 0\n ecall\n ret\n"
    ".globl t_ebreak\n"
    "t_ebreak:        li a0, 6\n ebreak\n ret\n"
    ".globl t_cebreak\n"
    "t_cebreak:       li a0, 7\n .option rvc\n c.ebreak\n .option norvc\n ret\n"
    ".globl t_load\n"
    "t_load:          li a1, 0\n ld a1, 0(a0)\n ret\n"
    ".globl t_store\n"
    "t_store:         li a1, 0\n sd a1, 0(a0)\n ret\n"
    ".globl t_fetch\n"
    "t_fetch:         addi sp, sp, -16\n sd ra, 0(sp)\n jalr ra, 0(a0)\n"
    "                 ld ra, 0(sp)\n addi sp, sp, 16\n ret\n"
    ".globl t_amoadd_w\n"
    "t_amoadd_w:      li a1, 1\n amoadd.w a1, a1, (a0)\n ret\n"
    ".globl t_amoswap_d\n"
    "t_amoswap_d:     li a1, 1\n amoswap.d a1, a1, (a0)\n ret\n"
    ".globl t_lr_w\n"
    "t_lr_w:          li a1, 1\n lr.w a1, (a0)\n ret\n"
    ".globl t_lr_d\n"
    "t_lr_d:          li a1, 1\n lr.d a1, (a0)\n ret\n"
    ".globl t_sc_w\n"
    "t_sc_w:          li a1, 7\n sc.w a1, a1, (a0)\n mv a0, a1\n ret\n"
    ".globl t_ld\n"
    "t_ld:            ld a0, 0(a0)\n ret\n"
    ".globl t_lw\n"
    "t_lw:            lw a0, 0(a0)\n ret\n"
    ".globl t_lh\n"
    "t_lh:            lh a0, 0(a0)\n ret\n"
    ".globl t_lhu\n"
    "t_lhu:           lhu a0, 0(a0)\n ret\n"
    ".globl t_sd\n"
    "t_sd:            sd a1, 0(a0)\n ret\n"
    ".globl t_mmio_lw\n"
    "t_mmio_lw:       li a1, 0\n lw a1, 0(a0)\n ret\n"
    ".globl t_csrw_mhartid\n"
    "t_csrw_mhartid:  li a0, 0\n csrw mhartid, a0\n ret\n"
    /* lower-privilege stubs: end with lower_return(0) */
    ".globl s_ecall\n"
    "s_ecall:         li a7, 0\n ecall\n li a0, 0\n j lower_return\n"
    ".globl u_ecall\n"
    "u_ecall:         li a7, 0\n ecall\n li a0, 0\n j lower_return\n"
    ".globl s_csr_mstatus\n"
    "s_csr_mstatus:   li a0, 0\n csrr a0, mstatus\n li a0, 0\n j lower_return\n"
    ".globl s_mret\n"
    "s_mret:          li a0, 0\n mret\n li a0, 0\n j lower_return\n"
    ".globl u_csr_sstatus\n"
    "u_csr_sstatus:   li a0, 0\n csrr a0, sstatus\n li a0, 0\n j lower_return\n"
    ".globl u_sret\n"
    "u_sret:          li a0, 0\n sret\n li a0, 0\n j lower_return\n"
    /* S-mode stubs called from C while delegation is on (they return) */
    ".globl s_illegal\n"
    "s_illegal:       li a0, 0\n .word 0x0000000b\n ret\n"
    ".globl s_ecall_m\n"
    "s_ecall_m:       li a7, 0\n ecall\n ret\n"
    /* U-mode code run by sret while delegation is on */
    ".globl u_deleg\n"
    "u_deleg:         li a7, 0\n ecall\n .word 0x0000000b\n csrr a0, mstatus\n"
    "                 li a0, 0\n j lower_return\n"
    /* vectored mtvec: 12 entries of one 32-bit jump each */
    ".balign 64\n"
    ".globl vtable\n"
    "vtable:  j vec_exc\n j vec_bad\n j vec_bad\n j vec_msi\n j vec_bad\n j vec_bad\n"
    "         j vec_bad\n j vec_bad\n j vec_bad\n j vec_bad\n j vec_bad\n j vec_bad\n"
    "vec_exc: csrw mscratch, t0\n la t0, vec_exc_flag\n sd t0, 0(t0)\n csrr t0, mscratch\n"
    "         j m_trap_entry\n"
    "vec_msi: csrw mscratch, t0\n addi sp, sp, -16\n sd t1, 0(sp)\n"
    "         la t0, vec_hit\n li t1, 3\n sd t1, 0(t0)\n csrr t1, mcause\n sd t1, 8(t0)\n"
    "         li t0, 0x2000000\n sw zero, 0(t0)\n"
    "         ld t1, 0(sp)\n addi sp, sp, 16\n csrr t0, mscratch\n mret\n"
    "vec_bad: csrw mie, zero\n csrw mscratch, t0\n li t0, 0x2000000\n sw zero, 0(t0)\n"
    "         la t0, vec_hit\n sd t0, 0(t0)\n csrr t0, mscratch\n mret\n"
    ".option pop\n"
    ".popsection\n");

/* ---- handlers ------------------------------------------------------------------- */
void m_trap(struct trap_frame *f)
{
    handle_lower_return(f);
    if (f->cause & CAUSE_INTR) {
        kprintf("unexpected interrupt mcause=0x%lx\n", f->cause);
        fail(1);
    }
    rec.count++;
    rec.cause = f->cause;
    rec.tval = f->tval;
    rec.epc = f->epc;
    rec.status = f->status;
    if (f->cause == CAUSE_FETCH_ACCESS)
        f->epc = f->regs[REG_RA];      /* the stub jumped with jalr ra */
    else
        f->epc += insn_length(f->epc);
}

static const char *s_name(unsigned long cause, unsigned long spp)
{
    if (cause == CAUSE_ECALL_U) return "s-ecall-u";
    if (cause == CAUSE_ILLEGAL) return spp ? "s-illegal-s" : "s-illegal-u";
    return "s-other";
}

void s_trap(struct trap_frame *f)
{
    if (f->cause == CAUSE_ECALL_U && f->regs[REG_A7] == LOWER_RETURN_MAGIC)
        lower_return((long)f->regs[REG_A0]);       /* pass it on to M */
    unsigned long st = f->status;
    kprintf("%s: scause=%lu stval=0x%lx sepc=+0x%lx SPP=%lu SPIE=%lu SIE=%lu\n",
            s_name(f->cause, (st >> 8) & 1), f->cause, f->tval, f->epc - s_base,
            (st >> 8) & 1, (st >> 5) & 1, (st >> 1) & 1);
    f->epc += insn_length(f->epc);
}

/* ---- reporting ------------------------------------------------------------------ */
enum { TV_HEX, TV_BUF, TV_PC };

static void report(const char *name, unsigned long c0, void *stub, int kind)
{
    unsigned long base = (unsigned long)stub;
    if (rec.count == c0) {
        kprintf("%s: no trap\n", name);
        return;
    }
    kprintf("%s: cause=%lu tval=", name, rec.cause);
    if (kind == TV_BUF && rec.tval >= (unsigned long)buf && rec.tval < (unsigned long)buf + sizeof buf)
        kprintf("buf+0x%lx", rec.tval - (unsigned long)buf);
    else if (kind == TV_PC && rec.tval >= base && rec.tval < base + 0x40)
        kprintf("+0x%lx", rec.tval - base);
    else
        kprintf("0x%lx", rec.tval);
    if (rec.epc >= base && rec.epc < base + 0x40)
        kprintf(" epc=+0x%lx\n", rec.epc - base);
    else
        kprintf(" epc=0x%lx\n", rec.epc);
}

static void print_mstatus(const char *what, unsigned long s)
{
    kprintf("mstatus %s: MPP=%lu SPP=%lu MPIE=%lu SPIE=%lu MIE=%lu SIE=%lu\n", what,
            (s >> 11) & 3, (s >> 8) & 1, (s >> 7) & 1, (s >> 5) & 1, (s >> 3) & 1, (s >> 1) & 1);
}

#define RUN_M(name, call, stub, kind) do { unsigned long c0 = rec.count; call; \
    report(name, c0, (void *)(stub), kind); } while (0)
#define RUN_LOWER(name, stub, mode, kind) do { unsigned long c0 = rec.count; \
    csr_set(mstatus, MSTATUS_MPIE); run_in_mode(stub, mode); \
    report(name, c0, (void *)(stub), kind); \
    kprintf("  %s MPP=%lu MPIE=%lu MIE=%lu\n", name, (rec.status >> 11) & 3, \
            (rec.status >> 7) & 1, (rec.status >> 3) & 1); } while (0)

/* ---- delegation: runs in S-mode -------------------------------------------------- */
static void s_deleg_main(void)
{
    csr_clear(sstatus, MSTATUS_SIE | MSTATUS_SPIE);
    s_base = (unsigned long)s_illegal;
    s_illegal();                        /* delegated: S handler, SPP=1 */
    unsigned long c0 = rec.count;
    s_ecall_m();                        /* ecall from S is not delegated: M */
    report("m-ecall-s-deleg", c0, (void *)s_ecall_m, TV_HEX);
    unsigned long s = csr_read(sstatus);
    kprintf("sstatus after sret to S: SPP=%lu SPIE=%lu SIE=%lu\n",
            (s >> 8) & 1, (s >> 5) & 1, (s >> 1) & 1);
    /* now drop to U */
    s_base = (unsigned long)u_deleg;
    csr_clear(sstatus, MSTATUS_SPP);
    csr_set(sstatus, MSTATUS_SPIE);
    csr_write(sepc, (unsigned long)u_deleg);
    __asm__ volatile("sret" ::: "memory");
    __builtin_unreachable();
}

int main(void)
{
    csr_write(mie, 0);
    uint8_t *b = (uint8_t *)buf;
    for (unsigned i = 0; i < sizeof buf; i++)
        b[i] = (uint8_t)(0x80 + i);

    kprintf("traps: start\n");
    /* illegal instructions */
    RUN_M("illegal-word", t_illegal_word(), t_illegal_word, TV_HEX);
    RUN_M("illegal-csr", t_illegal_csr(), t_illegal_csr, TV_HEX);
    RUN_M("illegal-c-0000", t_illegal_c0(), t_illegal_c0, TV_HEX);
    RUN_M("illegal-c-8000", t_illegal_crsv(), t_illegal_crsv, TV_HEX);
    RUN_M("illegal-c-fld", t_illegal_cfp(), t_illegal_cfp, TV_HEX);
    RUN_M("csrw-mhartid", t_csrw_mhartid(), t_csrw_mhartid, TV_HEX);

    /* ecall from M, with the mstatus stack */
    csr_clear(mstatus, MSTATUS_MIE | MSTATUS_MPIE | MSTATUS_SIE | MSTATUS_SPIE | MSTATUS_SPP);
    csr_set(mstatus, MSTATUS_MPP_M);
    csr_set(mstatus, MSTATUS_MIE);      /* mie == 0: nothing can interrupt */
    print_mstatus("before ecall-m", csr_read(mstatus));
    RUN_M("ecall-m", t_ecall_m(), t_ecall_m, TV_HEX);
    print_mstatus("in handler", rec.status);
    print_mstatus("after mret", csr_read(mstatus));
    csr_clear(mstatus, MSTATUS_MIE);

    /* breakpoints: mtval = pc (BOARD.md); printed relative to the stub when it is */
    RUN_M("ebreak", t_ebreak(), t_ebreak, TV_PC);
    RUN_M("c.ebreak", t_cebreak(), t_cebreak, TV_PC);

    /* access faults */
    RUN_M("load-fault", t_load(UNMAPPED), t_load, TV_HEX);
    RUN_M("store-fault", t_store(UNMAPPED), t_store, TV_HEX);
    RUN_M("fetch-fault", t_fetch(UNMAPPED), t_fetch, TV_HEX);
    RUN_M("lr-fault", t_lr_w(UNMAPPED), t_lr_w, TV_HEX);
    RUN_M("amo-fault", t_amoadd_w(UNMAPPED), t_amoadd_w, TV_HEX);

    /* misaligned atomics */
    unsigned long ba = (unsigned long)buf;
    RUN_M("misaligned-lr.w", t_lr_w(ba + 2), t_lr_w, TV_BUF);
    RUN_M("misaligned-lr.d", t_lr_d(ba + 4), t_lr_d, TV_BUF);
    RUN_M("misaligned-amoadd.w", t_amoadd_w(ba + 2), t_amoadd_w, TV_BUF);
    RUN_M("misaligned-amoswap.d", t_amoswap_d(ba + 4), t_amoswap_d, TV_BUF);
    {
        unsigned long c0 = rec.count;
        long r = t_sc_w(ba + 2);
        if (rec.count == c0)
            kprintf("misaligned-sc.w: no trap rd=%ld\n", r);
        else
            report("misaligned-sc.w", c0, (void *)t_sc_w, TV_BUF);
    }
    RUN_M("misaligned-mmio-lw", t_mmio_lw(CLINT_MTIMECMP + 2), t_mmio_lw, TV_HEX);

    /* misaligned plain loads and stores in RAM complete */
    {
        unsigned long c0 = rec.count;
        long v1 = t_ld(ba + 3), v2 = t_lw(ba + 1), v3 = t_lh(ba + 5), v4 = t_lhu(ba + 7);
        t_sd(ba + 9, 0x1122334455667788UL);
        long v5 = t_ld(ba + 8), v6 = t_ld(ba + 16);
        kprintf("misaligned-ram: traps=%lu ld=0x%lx lw=0x%lx lh=0x%lx lhu=0x%lx\n",
                rec.count - c0, v1, v2, v3, v4);
        kprintf("misaligned-ram: after sd at +9: [8]=0x%lx [16]=0x%lx\n", v5, v6);
    }

    /* lower privilege modes, nothing delegated */
    RUN_LOWER("ecall-s", s_ecall, 1, TV_HEX);
    RUN_LOWER("ecall-u", u_ecall, 0, TV_HEX);
    RUN_LOWER("csrr-mstatus-from-s", s_csr_mstatus, 1, TV_HEX);
    RUN_LOWER("mret-from-s", s_mret, 1, TV_HEX);
    RUN_LOWER("csrr-sstatus-from-u", u_csr_sstatus, 0, TV_HEX);
    RUN_LOWER("sret-from-u", u_sret, 0, TV_HEX);
    print_mstatus("after return to M", csr_read(mstatus) & ~MSTATUS_MPIE);

    /* delegation of ecall-from-U and illegal instruction to S */
    csr_write(medeleg, (1UL << CAUSE_ECALL_U) | (1UL << CAUSE_ILLEGAL));
    csr_write(stvec, (unsigned long)s_trap_entry);
    kprintf("medeleg=0x%lx\n", csr_read(medeleg));
    {
        unsigned long c0 = rec.count;
        csr_set(mstatus, MSTATUS_MPIE);
        long r = run_in_mode(s_deleg_main, 1);
        kprintf("delegation: back in M r=%ld, exceptions taken in M meanwhile=%lu\n", r,
                rec.count - c0);
    }
    csr_write(medeleg, 0);

    /* vectored mtvec: machine software interrupt lands at base + 4*3 */
    csr_write(mtvec, (unsigned long)vtable | 1);
    kprintf("mtvec mode=%lu\n", csr_read(mtvec) & 3);
    vec_hit[0] = vec_hit[1] = 0;
    csr_write(mie, MIP_MSIP);
    csr_set(mstatus, MSTATUS_MIE);
    set_msip(1);
    for (int i = 0; i < 1000 && !vec_hit[0]; i++)
        ;
    csr_clear(mstatus, MSTATUS_MIE);
    csr_write(mie, 0);
    kprintf("vectored-msip: vector=%lu mcause=0x%lx msip=%u\n", vec_hit[0], vec_hit[1],
            mmio_read32(CLINT_MSIP));
    vec_exc_flag = 0;
    RUN_M("vectored-ecall", t_ecall_m(), t_ecall_m, TV_HEX);
    kprintf("vectored-ecall: via base entry=%s\n", vec_exc_flag ? "yes" : "no");
    csr_write(mtvec, (unsigned long)m_trap_entry);

    kprintf("traps: done, %lu exceptions taken in M\n", rec.count);
    return 0;
}
