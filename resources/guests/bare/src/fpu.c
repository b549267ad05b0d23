/* fpu: the F and D extensions, compared with QEMU.
 *
 * Every arithmetic, conversion, comparison and sign instruction runs over operand sets (special
 * values, then random bit patterns and random "short" values from an LCG) in each of the five
 * rounding modes (dynamic, through frm), and each (op, mode) prints a hash of every result and the
 * fflags it raised: "fadd.d rne: n=N h=HASH". Static rounding modes, NaN-boxing, loads and stores
 * (compressed ones too), the FP CSRs, mstatus.FS (Off makes every FP instruction and CSR illegal)
 * and illegal rounding modes print their values directly. Built with -march=rv64imafdc, lp64 ABI:
 * only the inline assembly uses the FP registers.
 */
#include "lib.h"

typedef uint64_t u64;
typedef u64 (*opfn)(u64 a, u64 b, u64 c);

static volatile struct { unsigned long count, cause, tval; } rec;

void m_trap(struct trap_frame *f)
{
    if (f->cause & CAUSE_INTR)
        fail(1);
    rec.count++;
    rec.cause = f->cause;
    rec.tval = f->tval;
    f->epc += insn_length(f->epc);
}

/* ---- one function per instruction: operands in ft0..ft2, result in ft3 or an x register ---- */
#define FP_BODY(body) \
    u64 r; \
    __asm__ volatile("fmv.d.x ft0, %1\n fmv.d.x ft1, %2\n fmv.d.x ft2, %3\n" body \
                     : "=&r"(r) : "r"(a), "r"(b), "r"(c) : "ft0", "ft1", "ft2", "ft3", "memory"); \
    return r;
#define F1(fn, insn) static u64 fn(u64 a, u64 b, u64 c) { FP_BODY(insn " ft3, ft0\n fmv.x.d %0, ft3") }
#define F2(fn, insn) static u64 fn(u64 a, u64 b, u64 c) { FP_BODY(insn " ft3, ft0, ft1\n fmv.x.d %0, ft3") }
#define F3(fn, insn) static u64 fn(u64 a, u64 b, u64 c) { FP_BODY(insn " ft3, ft0, ft1, ft2\n fmv.x.d %0, ft3") }
#define X1(fn, insn) static u64 fn(u64 a, u64 b, u64 c) { FP_BODY(insn " %0, ft0") }
#define X2(fn, insn) static u64 fn(u64 a, u64 b, u64 c) { FP_BODY(insn " %0, ft0, ft1") }
#define FX(fn, insn) static u64 fn(u64 a, u64 b, u64 c) { FP_BODY(insn " ft3, %1\n fmv.x.d %0, ft3") }

#define FORMAT_OPS(s) \
    F2(fadd_##s, "fadd." #s) F2(fsub_##s, "fsub." #s) F2(fmul_##s, "fmul." #s) \
    F2(fdiv_##s, "fdiv." #s) F1(fsqrt_##s, "fsqrt." #s) \
    F3(fmadd_##s, "fmadd." #s) F3(fmsub_##s, "fmsub." #s) \
    F3(fnmsub_##s, "fnmsub." #s) F3(fnmadd_##s, "fnmadd." #s) \
    F2(fmin_##s, "fmin." #s) F2(fmax_##s, "fmax." #s) \
    F2(fsgnj_##s, "fsgnj." #s) F2(fsgnjn_##s, "fsgnjn." #s) F2(fsgnjx_##s, "fsgnjx." #s) \
    X2(feq_##s, "feq." #s) X2(flt_##s, "flt." #s) X2(fle_##s, "fle." #s) X1(fclass_##s, "fclass." #s) \
    X1(fcvt_w_##s, "fcvt.w." #s) X1(fcvt_wu_##s, "fcvt.wu." #s) \
    X1(fcvt_l_##s, "fcvt.l." #s) X1(fcvt_lu_##s, "fcvt.lu." #s) \
    FX(fcvt_##s##_w, "fcvt." #s ".w") FX(fcvt_##s##_wu, "fcvt." #s ".wu") \
    FX(fcvt_##s##_l, "fcvt." #s ".l") FX(fcvt_##s##_lu, "fcvt." #s ".lu")
FORMAT_OPS(s)
FORMAT_OPS(d)
F1(fcvt_s_d, "fcvt.s.d")
F1(fcvt_d_s, "fcvt.d.s")
X1(fmv_x_w, "fmv.x.w")
FX(fmv_w_x, "fmv.w.x")

/* static rounding modes: the same operations with rm in the instruction */
#define RAW(fn, body) static u64 fn(u64 a, u64 b, u64 c) { FP_BODY(body) }
#define STATIC_OPS(rm) \
    RAW(fadd_d_##rm, "fadd.d ft3, ft0, ft1, " #rm "\n fmv.x.d %0, ft3") \
    RAW(fmul_s_##rm, "fmul.s ft3, ft0, ft1, " #rm "\n fmv.x.d %0, ft3") \
    RAW(fmadd_d_##rm, "fmadd.d ft3, ft0, ft1, ft2, " #rm "\n fmv.x.d %0, ft3") \
    RAW(fsqrt_s_##rm, "fsqrt.s ft3, ft0, " #rm "\n fmv.x.d %0, ft3") \
    RAW(fcvt_w_d_##rm, "fcvt.w.d %0, ft0, " #rm) \
    RAW(fcvt_s_d_##rm, "fcvt.s.d ft3, ft0, " #rm "\n fmv.x.d %0, ft3")
STATIC_OPS(rne) STATIC_OPS(rtz) STATIC_OPS(rdn) STATIC_OPS(rup) STATIC_OPS(rmm)

/* ---- operands ---- */
static u64 lcg_state;
static u64 lcg(void)
{
    lcg_state = lcg_state * 6364136223846793005UL + 1442695040888963407UL;
    return lcg_state ^ (lcg_state >> 29);
}

static const u64 d_special[] = {
    0x0000000000000000, 0x8000000000000000, 0x0000000000000001, 0x800fffffffffffff,
    0x0010000000000000, 0x8010000000000000, 0x7fefffffffffffff, 0xffefffffffffffff,
    0x7ff0000000000000, 0xfff0000000000000, 0x7ff8000000000000, 0x7ff0000000000001,
    0x3ff0000000000000, 0xbff0000000000000, 0x3ff8000000000000, 0x4004000000000000,
    0xc004000000000000, 0x3fe0000000000000, 0xbfe0000000000000, 0x3ff0000000000001,
    0x3fefffffffffffff, 0x41e0000000000000, 0xc1e0000000000000, 0x41dfffffffe00000,
    0xc1e0000000200000, 0x41f0000000000000, 0x41efffffffe00000, 0x43e0000000000000,
    0xc3e0000000000000, 0x43f0000000000000, 0x43efffffffffffff, 0x3ca0000000000000,
    0x7fe0000000000000, 0x0018000000000000, 0x3fd5555555555555, 0x0008000000000000,
    0xfff4000000000000, 0x000fffffffffffff, 0x3690000000000000, 0x47efffffe0000000,
    0x47efffff10000000, 0x3810000000000000, 0x380fffffe0000000, 0x36a0000000000000,
};
static const u64 s_special[] = {
    0x00000000, 0x80000000, 0x00000001, 0x807fffff, 0x00800000, 0x80800000,
    0x7f7fffff, 0xff7fffff, 0x7f800000, 0xff800000, 0x7fc00000, 0x7f800001,
    0x3f800000, 0xbf800000, 0x3fc00000, 0x40200000, 0xc0200000, 0x3f000000,
    0xbf000000, 0x3f800001, 0x3f7fffff, 0x4f000000, 0xcf000000, 0x4effffff,
    0x4f800000, 0x4f7fffff, 0x5f000000, 0xdf000000, 0x5f800000, 0x5f7fffff,
    0x33800000, 0x7f000000, 0x00c00000, 0x3eaaaaab, 0x00400000, 0xffa00000,
    0x007fffff, 0x0c800000, 0x34000000,
};
static const u64 i_special[] = {
    0, 1, (u64)-1, 0x7fffffff, 0xffffffff80000000, 0xffffffff, 0x80000000, 0x20000000000001,
    0x7fffffffffffffff, 0x8000000000000000, 0x1000001, 0x1000003, 0xffffffff7fffffff,
    0xfffffffffffffffe, 0x7ffffffffffffe00, 0x7ffffffffffffc01, 0x8000000000000401,
    0xffffff7fffffffff, 0x100000001,
};
#define N(a) (sizeof(a) / sizeof((a)[0]))
#define BOX 0xffffffff00000000UL

/* Random operands of a format with `ebits` exponent and `mbits` fraction bits: raw bits, or
 * values near 1, near the bottom and top of the range, or with a short significand (so sums and
 * products land on ties). */
static u64 random_fp(unsigned ebits, unsigned mbits)
{
    u64 r = lcg(), fraction = (1UL << mbits) - 1, m = lcg() & fraction;
    u64 sign = r & (1UL << (ebits + mbits)), bias = (1UL << (ebits - 1)) - 1;
    u64 emax = (1UL << ebits) - 1, e;
    switch ((r >> 1) & 7) {
    case 0: case 1: return lcg() & ((2UL << (ebits + mbits)) - 1);   /* all the format's bits */
    case 2: e = bias - 8 + ((r >> 8) & 15); break;
    case 3: e = (r >> 8) & 3; break;
    case 4: e = emax - 4 + ((r >> 8) & 3); break;
    case 5: e = bias - 40 + ((r >> 8) & 63); m &= (0xfUL << (mbits - 4)) | (r >> 20 & 1); break;
    case 6: e = (r >> 8) & emax; m &= fraction << (mbits - 10) & fraction; break;
    default: e = bias + ((r >> 8) & 63); m |= (1UL << (mbits / 2)) - 1; break;
    }
    return sign | e << mbits | m;
}

static u64 random_i(void)
{
    u64 r = lcg();
    switch (r & 3) {
    case 0: return lcg();
    case 1: return lcg() >> (r >> 2 & 63);
    case 2: return (u64)-(int64_t)(lcg() >> (r >> 2 & 63));
    default: return (1UL << (r >> 2 & 63)) + ((r >> 8 & 7) - 3);
    }
}

enum kind { D, S, I };     /* operand kind */

static u64 operand(enum kind k, int special, int idx)
{
    switch (k) {
    case D: return special ? d_special[idx % N(d_special)] : random_fp(11, 52);
    case S: {
        /* a few singles are improperly boxed: they must read as the canonical NaN */
        if (!special && (lcg() & 31) == 0)
            return (lcg() & 0xffffffff) | (lcg() & 0x7fffffff00000000UL);
        return BOX | (special ? s_special[idx % N(s_special)] : random_fp(8, 23));
    }
    default: return special ? i_special[idx % N(i_special)] : random_i();
    }
}

static unsigned nspecial(enum kind k)
{
    return k == D ? N(d_special) : k == S ? N(s_special) : N(i_special);
}

static u64 mix(u64 h, u64 v)
{
    h ^= v;
    h *= 0x9e3779b97f4a7c15UL;
    return h ^ (h >> 31);
}

static u64 hash, count;

static void one(opfn fn, u64 a, u64 b, u64 c)
{
    csr_write(fflags, 0);
    u64 r = fn(a, b, c);
    u64 fl = csr_read(fflags);
#ifdef VERBOSE
    kprintf("  %lx %lx %lx -> %lx %lx\n", a, b, c, r, fl);
#endif
    hash = mix(mix(hash, r), fl);
    count++;
}

#define RANDOM_ROUNDS 600

/* Every special pair (or triple, from the first 12 specials), then random operands. */
static void sweep(opfn fn, int arity, enum kind k)
{
    unsigned n = nspecial(k), i, j, m;
    hash = 0x1234567;
    count = 0;
    lcg_state = 42;
    if (arity == 1) {
        for (i = 0; i < n; i++)
            one(fn, operand(k, 1, i), 0, 0);
    } else if (arity == 2) {
        for (i = 0; i < n; i++)
            for (j = 0; j < n; j++)
                one(fn, operand(k, 1, i), operand(k, 1, j), 0);
    } else {
        for (i = 0; i < 12; i++)
            for (j = 0; j < 12; j++)
                for (m = 0; m < 12; m++)
                    one(fn, operand(k, 1, i), operand(k, 1, j), operand(k, 1, m));
    }
    for (i = 0; i < RANDOM_ROUNDS * (unsigned)arity; i++) {
        u64 a = operand(k, 0, 0), b = operand(k, 0, 0), c = operand(k, 0, 0);
        if (arity == 3 && (i & 1)) /* c close to -a*b now and then: cancellation */
            c = a ^ (k == D ? 1UL << 63 : 1UL << 31);
        one(fn, a, b, c);
    }
}

struct op { const char *name; opfn fn; int arity; enum kind kind; int rounds; };

#define FMT_TABLE(s, K) \
    { "fadd." #s, fadd_##s, 2, K, 1 }, { "fsub." #s, fsub_##s, 2, K, 1 }, \
    { "fmul." #s, fmul_##s, 2, K, 1 }, { "fdiv." #s, fdiv_##s, 2, K, 1 }, \
    { "fsqrt." #s, fsqrt_##s, 1, K, 1 }, { "fmadd." #s, fmadd_##s, 3, K, 1 }, \
    { "fmsub." #s, fmsub_##s, 3, K, 1 }, { "fnmsub." #s, fnmsub_##s, 3, K, 1 }, \
    { "fnmadd." #s, fnmadd_##s, 3, K, 1 }, { "fmin." #s, fmin_##s, 2, K, 0 }, \
    { "fmax." #s, fmax_##s, 2, K, 0 }, { "fsgnj." #s, fsgnj_##s, 2, K, 0 }, \
    { "fsgnjn." #s, fsgnjn_##s, 2, K, 0 }, { "fsgnjx." #s, fsgnjx_##s, 2, K, 0 }, \
    { "feq." #s, feq_##s, 2, K, 0 }, { "flt." #s, flt_##s, 2, K, 0 }, \
    { "fle." #s, fle_##s, 2, K, 0 }, { "fclass." #s, fclass_##s, 1, K, 0 }, \
    { "fcvt.w." #s, fcvt_w_##s, 1, K, 1 }, { "fcvt.wu." #s, fcvt_wu_##s, 1, K, 1 }, \
    { "fcvt.l." #s, fcvt_l_##s, 1, K, 1 }, { "fcvt.lu." #s, fcvt_lu_##s, 1, K, 1 }, \
    { "fcvt." #s ".w", fcvt_##s##_w, 1, I, 1 }, { "fcvt." #s ".wu", fcvt_##s##_wu, 1, I, 1 }, \
    { "fcvt." #s ".l", fcvt_##s##_l, 1, I, 1 }, { "fcvt." #s ".lu", fcvt_##s##_lu, 1, I, 1 }

static const struct op ops[] = {
    FMT_TABLE(s, S),
    FMT_TABLE(d, D),
    { "fcvt.s.d", fcvt_s_d, 1, D, 1 },
    { "fcvt.d.s", fcvt_d_s, 1, S, 1 },
    { "fmv.x.w", fmv_x_w, 1, S, 0 },
    { "fmv.w.x", fmv_w_x, 1, I, 0 },
};

static const char *const rm_names[] = { "rne", "rtz", "rdn", "rup", "rmm" };

#define STATIC_TABLE(rm) \
    { "fadd.d." #rm, fadd_d_##rm, 2, D, 0 }, { "fmul.s." #rm, fmul_s_##rm, 2, S, 0 }, \
    { "fmadd.d." #rm, fmadd_d_##rm, 3, D, 0 }, { "fsqrt.s." #rm, fsqrt_s_##rm, 1, S, 0 }, \
    { "fcvt.w.d." #rm, fcvt_w_d_##rm, 1, D, 0 }, { "fcvt.s.d." #rm, fcvt_s_d_##rm, 1, D, 0 }
static const struct op static_ops[] = {
    STATIC_TABLE(rne), STATIC_TABLE(rtz), STATIC_TABLE(rdn), STATIC_TABLE(rup), STATIC_TABLE(rmm),
};

/* ---- the machine-level checks ---- */
static unsigned long fs(void) { return (csr_read(mstatus) >> 13) & 3; }
static unsigned long sd(void) { return csr_read(mstatus) >> 63; }

static void set_fs(unsigned long v)
{
    csr_clear(mstatus, 3UL << 13);
    csr_set(mstatus, v << 13);
}

/* Runs one instruction expected to trap; prints its cause and tval. */
#define EXPECT_TRAP(name, insn) do { \
        rec.count = 0; rec.cause = rec.tval = 0; \
        __asm__ volatile(".option push\n .option norvc\n " insn "\n .option pop" ::: "ft0", "ft1", "ft3", "fs0", "a5", "memory"); \
        kprintf("%s: %s cause=%lu tval=0x%lx\n", name, rec.count ? "trap" : "no trap", rec.cause, rec.tval); \
    } while (0)

static u64 buf[4];

static void machine_checks(void)
{
    kprintf("misa=0x%lx fs=%lu sd=%lu\n", csr_read(misa), fs(), sd());

    set_fs(0);
    EXPECT_TRAP("off fadd.d", "fadd.d ft0, ft0, ft1");
    EXPECT_TRAP("off fmv.x.d", "fmv.x.d a5, ft0");
    EXPECT_TRAP("off flw", "la a5, buf\n flw ft0, 0(a5)");
    EXPECT_TRAP("off fsd", "la a5, buf\n fsd ft0, 0(a5)");
    EXPECT_TRAP("off c.fld", "la a5, buf\n .option rvc\n c.fld fs0, 0(a5)\n .option norvc");
    EXPECT_TRAP("off csrr fcsr", "csrr a5, fcsr");
    EXPECT_TRAP("off csrw frm", "csrwi frm, 1");
    EXPECT_TRAP("off csrr fflags", "csrr a5, fflags");

    set_fs(1);
    u64 v;
    __asm__ volatile("fmv.x.d %0, ft0" : "=r"(v));
    kprintf("initial: fs=%lu sd=%lu after fmv.x.d\n", fs(), sd());
    __asm__ volatile("fmv.d.x ft0, zero" ::: "ft0");
    kprintf("fmv.d.x: fs=%lu sd=%lu sstatus.fs=%lu\n", fs(), sd(), (csr_read(sstatus) >> 13) & 3);
    set_fs(2);
    csr_write(fflags, 0);
    kprintf("csrw fflags: fs=%lu\n", fs());
    set_fs(2);
    (void)csr_read(fcsr);
    kprintf("csrr fcsr: fs=%lu\n", fs());
    /* An instruction that writes only an x register but raises a flag modifies fcsr: Dirty
     * (QEMU 7.2 leaves FS alone; expected/fpu.board.out holds the spec's answer). */
    __asm__ volatile("li a5, 0x7ff0000000000001\n fmv.d.x ft0, a5" ::: "a5", "ft0");
    set_fs(2);
    __asm__ volatile("feq.d %0, ft0, ft0" : "=r"(v));
    kprintf("feq.d of an sNaN: fs=%lu fflags=0x%lx\n", fs(), csr_read(fflags));
    set_fs(2);
    __asm__ volatile("feq.d %0, ft1, ft1" : "=r"(v));
    kprintf("feq.d raising nothing: fs=%lu\n", fs());
    set_fs(1);

    /* the FP CSRs */
    csr_write(fcsr, 0xffff);
    kprintf("fcsr=0x%lx frm=%lu fflags=0x%lx\n", csr_read(fcsr), csr_read(frm), csr_read(fflags));
    csr_write(fflags, 0x35);
    csr_write(frm, 0xa);
    kprintf("fcsr=0x%lx after fflags=0x35 frm=0xa\n", csr_read(fcsr));
    unsigned long old = csr_swap(fcsr, 0x21);
    kprintf("swap: old=0x%lx new=0x%lx\n", old, csr_read(fcsr));
    csr_write(fcsr, 0);

    /* illegal rounding modes and encodings */
    EXPECT_TRAP("rm=5 fadd.d", ".insn r OP_FP, 5, 1, ft3, ft0, ft1");
    EXPECT_TRAP("rm=6 fmul.s", ".insn r OP_FP, 6, 8, ft3, ft0, ft1");
    EXPECT_TRAP("fmt=2 fadd.h", ".insn r OP_FP, 0, 2, ft3, ft0, ft1");
    EXPECT_TRAP("fsgnj rm=3", ".insn r OP_FP, 3, 0x11, ft3, ft0, ft1");
    EXPECT_TRAP("fmin rm=2", ".insn r OP_FP, 2, 0x15, ft3, ft0, ft1");
    EXPECT_TRAP("feq rm=3", ".insn r OP_FP, 3, 0x51, a5, ft0, ft1");
    EXPECT_TRAP("fcvt.w.d rs2=4", ".insn r OP_FP, 1, 0x61, a5, ft0, x4");
    EXPECT_TRAP("fsqrt.d rs2=1", ".insn r OP_FP, 0, 0x2d, ft3, ft0, x1");
    EXPECT_TRAP("fclass.d rs2=1", ".insn r OP_FP, 1, 0x71, a5, ft0, x1");
    EXPECT_TRAP("flh", ".insn i LOAD_FP, 1, ft0, 0(sp)");
    for (unsigned long frm = 5; frm <= 7; frm++) {
        csr_write(frm, frm);
        char name[32];
        ksnprintf(name, sizeof name, "frm=%lu fadd.d dyn", frm);
        EXPECT_TRAP(name, "fadd.d ft3, ft0, ft1, dyn");
        ksnprintf(name, sizeof name, "frm=%lu fadd.d rtz", frm);
        EXPECT_TRAP(name, "fadd.d ft3, ft0, ft1, rtz");
        ksnprintf(name, sizeof name, "frm=%lu fsgnj.d", frm);
        EXPECT_TRAP(name, "fsgnj.d ft3, ft0, ft1");
    }
    csr_write(frm, 0);

    /* NaN-boxing: loads, stores, moves */
    buf[0] = 0x123456789abcdef0UL;
    buf[1] = 0;
    __asm__ volatile("flw ft0, 0(%1)\n fmv.x.d %0, ft0" : "=r"(v) : "r"(buf) : "ft0", "memory");
    kprintf("flw: 0x%lx\n", v);
    __asm__ volatile("fld ft0, 0(%1)\n fsw ft0, 8(%1)\n fmv.x.w %0, ft0" : "=r"(v) : "r"(buf) : "ft0", "memory");
    kprintf("fsw of unboxed: [1]=0x%lx fmv.x.w=0x%lx\n", buf[1], v);
    __asm__ volatile("fld ft0, 0(%1)\n fadd.s ft1, ft0, ft0\n fmv.x.d %0, ft1" : "=r"(v) : "r"(buf) : "ft0", "ft1", "memory");
    kprintf("fadd.s of unboxed: 0x%lx\n", v);
    __asm__ volatile("fld ft0, 0(%1)\n fsgnjn.s ft1, ft0, ft0\n fmv.x.d %0, ft1" : "=r"(v) : "r"(buf) : "ft0", "ft1", "memory");
    kprintf("fneg.s of unboxed: 0x%lx\n", v);
    __asm__ volatile("fld ft0, 0(%1)\n fclass.s %0, ft0" : "=r"(v) : "r"(buf) : "ft0", "memory");
    kprintf("fclass.s of unboxed: 0x%lx\n", v);
    __asm__ volatile("fmv.w.x ft0, %1\n fmv.x.d %0, ft0" : "=r"(v) : "r"(0xfedcba9876543210UL) : "ft0");
    kprintf("fmv.w.x: 0x%lx\n", v);
    __asm__ volatile("fmv.w.x ft0, %1\n fcvt.d.s ft1, ft0\n fmv.x.d %0, ft1" : "=r"(v) : "r"(0x3fc00000UL) : "ft0", "ft1");
    kprintf("fcvt.d.s 1.5: 0x%lx\n", v);

    /* compressed loads and stores (fs0/fs1 are callee-saved in lp64d; here nothing else uses them) */
    buf[2] = 0x400921fb54442d18UL;
    __asm__ volatile(".option push\n .option rvc\n"
                     "mv a5, %1\n c.fld fs0, 16(a5)\n c.fsd fs0, 24(a5)\n"
                     "addi sp, sp, -16\n c.fsdsp fs0, 8(sp)\n c.fldsp fs1, 8(sp)\n addi sp, sp, 16\n"
                     "fmv.x.d %0, fs1\n .option pop"
                     : "=r"(v) : "r"(buf) : "a5", "fs0", "fs1", "memory");
    kprintf("c.fld/c.fsd/c.fsdsp/c.fldsp: [3]=0x%lx fs1=0x%lx\n", buf[3], v);
}

int main(void)
{
    machine_checks();

    for (unsigned i = 0; i < N(ops); i++) {
        const struct op *op = &ops[i];
        for (unsigned rm = 0; rm < (op->rounds ? 5u : 1u); rm++) {
            csr_write(frm, rm);
#ifdef VERBOSE
            kprintf("%s %s\n", op->name, rm_names[rm]);
#endif
            sweep(op->fn, op->arity, op->kind);
            kprintf("%s %s: n=%lu h=%016lx\n", op->name, op->rounds ? rm_names[rm] : "-", count, hash);
        }
    }
    /* static modes: frm holds a different valid mode, which they must ignore */
    csr_write(frm, 3);
    for (unsigned i = 0; i < N(static_ops); i++) {
        const struct op *op = &static_ops[i];
        sweep(op->fn, op->arity, op->kind);
        kprintf("%s: n=%lu h=%016lx\n", op->name, count, hash);
    }
    kprintf("fflags=0x%lx fs=%lu\n", csr_read(fflags), fs());
    kprintf("fpu: done\n");
    return 0;
}
