/* isa: self-checking exercise of RV64IMAC + Zicsr + Zifencei.
 *
 * Each group runs its instructions (forced with inline assembly, 32-bit encodings unless
 * the group is about RVC) over edge values, folds every result into a 64-bit checksum and
 * also checks a few results whose values are known by hand. It prints
 *   "GROUP: <16 hex digits> ok"   or   "GROUP: <16 hex digits> FAIL (...)"
 * and ends with "isa: all N groups ok" (exit 0) or a failure exit with code 1.
 * The expected checksums come from isa-model.py (an independent Python model of the same
 * computations, run on the host) and agree with QEMU 7.2.
 */
#include "lib.h"

#define NORVC(s) ".option push\n.option norvc\n" s "\n.option pop\n"

static uint64_t h;
static unsigned checks_failed;

static void mix(uint64_t v)
{
    h ^= v;
    h *= 0x100000001b3ULL;
    h ^= h >> 29;
}

static void check(uint64_t got, uint64_t want, const char *what)
{
    if (got != want) {
        checks_failed++;
        kprintf("  check %s: got 0x%lx want 0x%lx\n", what, got, want);
    }
}

static const uint64_t E[16] = {
    0, 1, 2, (uint64_t)-1, (uint64_t)-2,
    0x7fffffffffffffffULL, 0x8000000000000000ULL,
    0x7fffffffULL, 0x80000000ULL, 0xffffffffULL, 0xffffffff80000000ULL,
    0x123456789abcdef0ULL, 0xfedcba9876543210ULL, 0x5555555555555555ULL,
    31, 63,
};
#define NE (sizeof E / sizeof E[0])

/* ---- RV64I register-register and register-immediate ---------------------------- */
#define RR(op) static uint64_t op_##op(uint64_t a, uint64_t b) { uint64_t r; \
    __asm__ volatile(NORVC(#op " %0, %1, %2") : "=r"(r) : "r"(a), "r"(b)); return r; }
RR(add) RR(sub) RR(sll) RR(srl) RR(sra) RR(slt) RR(sltu) RR(xor) RR(or) RR(and)
RR(addw) RR(subw) RR(sllw) RR(srlw) RR(sraw)
RR(mul) RR(mulh) RR(mulhsu) RR(mulhu) RR(div) RR(divu) RR(rem) RR(remu)
RR(mulw) RR(divw) RR(divuw) RR(remw) RR(remuw)

typedef uint64_t (*rr_fn)(uint64_t, uint64_t);

static void all_pairs(rr_fn f)
{
    for (unsigned i = 0; i < NE; i++)
        for (unsigned j = 0; j < NE; j++)
            mix(f(E[i], E[j]));
}

#define AI(op, imm) { uint64_t r; \
    __asm__ volatile(NORVC(#op " %0, %1, %2") : "=r"(r) : "r"(a), "i"(imm)); mix(r); }
#define IMMS(op) AI(op, 0) AI(op, 1) AI(op, -1) AI(op, 2047) AI(op, -2048) AI(op, 0x555) AI(op, -0x556)
#define SH64(op) AI(op, 0) AI(op, 1) AI(op, 31) AI(op, 32) AI(op, 63)
#define SH32(op) AI(op, 0) AI(op, 1) AI(op, 16) AI(op, 31)

static void imm_ops(uint64_t a)
{
    IMMS(addi) IMMS(slti) IMMS(sltiu) IMMS(xori) IMMS(ori) IMMS(andi) IMMS(addiw)
    SH64(slli) SH64(srli) SH64(srai) SH32(slliw) SH32(srliw) SH32(sraiw)
}

static void g_alu(void)
{
    static const rr_fn f[] = { op_add, op_sub, op_slt, op_sltu, op_xor, op_or, op_and,
                               op_addw, op_subw };
    for (unsigned k = 0; k < sizeof f / sizeof f[0]; k++)
        all_pairs(f[k]);
    for (unsigned i = 0; i < NE; i++)
        imm_ops(E[i]);
    check(op_addw(0x7fffffff, 1), 0xffffffff80000000ULL, "addw overflow");
    check(op_subw(0, 0x80000000ULL), 0xffffffff80000000ULL, "subw");
    check(op_slt((uint64_t)-1, 0), 1, "slt");
    check(op_sltu((uint64_t)-1, 0), 0, "sltu");
    check(op_add(0x7fffffffffffffffULL, 1), 0x8000000000000000ULL, "add wrap");
    uint64_t r;
    __asm__ volatile(NORVC("sltiu %0, %1, -1") : "=r"(r) : "r"((uint64_t)-2));
    check(r, 1, "sltiu -1 is max");
    __asm__ volatile(NORVC("addiw %0, %1, 0") : "=r"(r) : "r"(0x00000001fffffffeULL));
    check(r, (uint64_t)-2, "sext.w");
}

static void g_shift(void)
{
    static const rr_fn f[] = { op_sll, op_srl, op_sra, op_sllw, op_srlw, op_sraw };
    static const uint64_t amt[] = { 0, 1, 31, 32, 33, 63, 64, 65, 127, (uint64_t)-1 };
    for (unsigned k = 0; k < sizeof f / sizeof f[0]; k++) {
        all_pairs(f[k]);
        for (unsigned i = 0; i < NE; i++)
            for (unsigned j = 0; j < sizeof amt / sizeof amt[0]; j++)
                mix(f[k](E[i], amt[j]));
    }
    check(op_sll(1, 64), 1, "sll by 64 = by 0");
    check(op_sra(0x8000000000000000ULL, 63), (uint64_t)-1, "sra 63");
    check(op_srl(0x8000000000000000ULL, 63), 1, "srl 63");
    check(op_sllw(1, 31), 0xffffffff80000000ULL, "sllw 31");
    check(op_sllw(1, 32), 1, "sllw by 32 = by 0");
    check(op_srlw(0xffffffff80000000ULL, 31), 1, "srlw");
    check(op_sraw(0x80000000ULL, 31), (uint64_t)-1, "sraw");
    uint64_t r;
    __asm__ volatile(NORVC("srliw %0, %1, 0") : "=r"(r) : "r"(0x80000000ULL));
    check(r, 0xffffffff80000000ULL, "srliw 0 sign-extends");
}

static void g_lui_auipc(void)
{
    uint64_t r, d;
#define LUI(imm) __asm__ volatile(NORVC("lui %0, " #imm) : "=r"(r)); mix(r);
    LUI(0) LUI(1) LUI(0x7ffff) LUI(0x80000) LUI(0xfffff) LUI(0x12345)
    __asm__ volatile(NORVC("lui %0, 0x80000") : "=r"(r));
    check(r, 0xffffffff80000000ULL, "lui sign-extends");
    __asm__ volatile(NORVC("auipc %0, 0\n auipc %1, 1\n sub %1, %1, %0") : "=&r"(r), "=&r"(d));
    mix(d);
    check(d, 0x1004, "auipc delta");
    __asm__ volatile(NORVC("auipc %0, 0\n auipc %1, 0xfffff\n sub %1, %1, %0") : "=&r"(r), "=&r"(d));
    mix(d);
    check(d, (uint64_t)-0x1000 + 4, "auipc negative");
}

/* ---- loads and stores ------------------------------------------------------------ */
static uint8_t mem[64] __attribute__((aligned(16)));

static void g_loadstore(void)
{
    for (unsigned i = 0; i < sizeof mem; i++)
        mem[i] = (uint8_t)(i * 37 + 0x81);
    uint8_t *p = mem + 32;
    uint64_t r;
#define LD(op, off) __asm__ volatile(NORVC(#op " %0, " #off "(%1)") : "=r"(r) : "r"(p) : "memory"); mix(r);
    LD(lb, 0) LD(lb, 1) LD(lb, -1) LD(lb, 31) LD(lb, -32) LD(lbu, 0) LD(lbu, 3) LD(lbu, -3)
    LD(lh, 0) LD(lh, 2) LD(lh, -2) LD(lh, 30) LD(lhu, 0) LD(lhu, 6) LD(lhu, -8)
    LD(lw, 0) LD(lw, 4) LD(lw, -4) LD(lw, 28) LD(lwu, 0) LD(lwu, 12) LD(lwu, -32)
    LD(ld, 0) LD(ld, 8) LD(ld, -8) LD(ld, 24) LD(ld, -32)
    __asm__ volatile(NORVC("lb %0, 0(%1)") : "=r"(r) : "r"(p) : "memory");
    check(r, (uint64_t)(int64_t)(int8_t)(32 * 37 + 0x81), "lb sign");
    __asm__ volatile(NORVC("lbu %0, 0(%1)") : "=r"(r) : "r"(p) : "memory");
    check(r, (uint8_t)(32 * 37 + 0x81), "lbu zero");
#define ST(op, off, v) __asm__ volatile(NORVC(#op " %1, " #off "(%0)") :: "r"(p), "r"(v) : "memory");
    for (unsigned i = 0; i < NE; i++) {
        uint64_t v = E[i];
        ST(sb, 0, v) ST(sb, -1, v >> 8) ST(sh, 2, v) ST(sh, -6, v >> 16) ST(sw, 4, v)
        ST(sw, -12, v >> 32) ST(sd, 8, v) ST(sd, -32, ~v) ST(sb, 31, v ^ 0x5a)
        const uint64_t *q = (const uint64_t *)mem;
        for (unsigned k = 0; k < sizeof mem / 8; k++)
            mix(q[k]);
    }
    ST(sw, 0, 0x1122334455667788ULL)
    __asm__ volatile(NORVC("lwu %0, 0(%1)") : "=r"(r) : "r"(p) : "memory");
    check(r, 0x55667788, "sw/lwu");
    ST(sw, 0, 0x80000000ULL)
    __asm__ volatile(NORVC("lw %0, 0(%1)") : "=r"(r) : "r"(p) : "memory");
    check(r, 0xffffffff80000000ULL, "lw sign");
}

/* ---- branches -------------------------------------------------------------------- */
#define BR(op) static unsigned br_##op(uint64_t a, uint64_t b) { unsigned t; \
    __asm__ volatile(NORVC("li %0, 1\n " #op " %1, %2, 1f\n li %0, 0\n1:") \
                     : "=&r"(t) : "r"(a), "r"(b)); return t; }
BR(beq) BR(bne) BR(blt) BR(bge) BR(bltu) BR(bgeu)

static void g_branch(void)
{
    for (unsigned i = 0; i < NE; i++)
        for (unsigned j = 0; j < NE; j++) {
            uint64_t a = E[i], b = E[j];
            unsigned m = br_beq(a, b) | br_bne(a, b) << 1 | br_blt(a, b) << 2 |
                         br_bge(a, b) << 3 | br_bltu(a, b) << 4 | br_bgeu(a, b) << 5;
            mix(m);
            unsigned want = (a == b) | (a != b) << 1 | ((int64_t)a < (int64_t)b) << 2 |
                            ((int64_t)a >= (int64_t)b) << 3 | (a < b) << 4 | (a >= b) << 5;
            if (m != want) {
                checks_failed++;
                kprintf("  branch 0x%lx 0x%lx: mask 0x%x want 0x%x\n", a, b, m, want);
            }
        }
    /* a backward branch loop */
    uint64_t n = 0, c = 10;
    __asm__ volatile(NORVC("1: addi %0, %0, 3\n addi %1, %1, -1\n bnez %1, 1b")
                     : "+r"(n), "+r"(c));
    check(n, 30, "backward loop");
    mix(n);
}

/* ---- jumps ----------------------------------------------------------------------- */
static void g_jump(void)
{
    uint64_t r;
    /* jal: link = pc + 4; the skipped li is 4 bytes */
    __asm__ volatile(NORVC("jal t0, 1f\n li %0, 111\n1: auipc t1, 0\n sub %0, t1, t0")
                     : "=&r"(r) :: "t0", "t1");
    check(r, 4, "jal link");
    mix(r);
    /* jalr with an odd target: bit 0 is cleared */
    __asm__ volatile(NORVC("la t0, 2f\n addi t0, t0, 1\n jalr t1, 0(t0)\n li %0, 222\n"
                           "2: auipc t2, 0\n sub %0, t2, t1")
                     : "=&r"(r) :: "t0", "t1", "t2");
    check(r, 4, "jalr odd target");
    mix(r);
    /* jalr with an offset, and with rd == rs1 */
    __asm__ volatile(NORVC("la t0, 3f - 12\n jalr t0, 12(t0)\n li %0, 333\n"
                           "3: auipc t1, 0\n sub %0, t1, t0")
                     : "=&r"(r) :: "t0", "t1");
    check(r, 4, "jalr offset rd==rs1");
    mix(r);
    /* jalr negative offset */
    __asm__ volatile(NORVC("la t0, 4f + 2048\n jalr x0, -2048(t0)\n li %0, 444\n j 5f\n"
                           "4: li %0, 44\n5:")
                     : "=&r"(r) :: "t0");
    check(r, 44, "jalr -2048");
    mix(r);
    /* jal backwards and forwards, jal x0 */
    __asm__ volatile(NORVC("li %0, 0\n j 7f\n6: addi %0, %0, 5\n j 8f\n7: addi %0, %0, 1\n j 6b\n"
                           "8:")
                     : "=&r"(r));
    check(r, 6, "jal back/forward");
    mix(r);
    /* call/ret through a real function */
    __asm__ volatile(NORVC("jal ra, 9f\n j 10f\n9: li %0, 99\n jalr x0, 0(ra)\n10:")
                     : "=&r"(r) :: "ra");
    check(r, 99, "call/ret");
    mix(r);
}

/* ---- M ------------------------------------------------------------------------------ */
static void g_mul_div(void)
{
    static const rr_fn f[] = { op_mul, op_mulh, op_mulhsu, op_mulhu, op_div, op_divu, op_rem,
                               op_remu, op_mulw, op_divw, op_divuw, op_remw, op_remuw };
    for (unsigned k = 0; k < sizeof f / sizeof f[0]; k++)
        all_pairs(f[k]);
    const uint64_t MIN = 0x8000000000000000ULL, M1 = (uint64_t)-1;
    check(op_div(5, 0), M1, "div/0");
    check(op_divu(5, 0), M1, "divu/0");
    check(op_rem(5, 0), 5, "rem/0");
    check(op_remu(M1, 0), M1, "remu/0");
    check(op_div(MIN, M1), MIN, "div overflow");
    check(op_rem(MIN, M1), 0, "rem overflow");
    check(op_divw(0x80000000ULL, M1), 0xffffffff80000000ULL, "divw overflow");
    check(op_remw(0x80000000ULL, M1), 0, "remw overflow");
    check(op_divw(7, 0), M1, "divw/0");
    check(op_divuw(7, 0), M1, "divuw/0");
    check(op_remw(0x100000005ULL, 0), 5, "remw/0");
    check(op_remuw(0x1fffffffbULL, 0), 0xfffffffffffffffbULL, "remuw/0 sign-extends");
    check(op_div((uint64_t)-7, 2), (uint64_t)-3, "div rounds to zero");
    check(op_rem((uint64_t)-7, 2), M1, "rem sign of dividend");
    check(op_mulh(M1, M1), 0, "mulh -1*-1");
    check(op_mulhu(M1, M1), 0xfffffffffffffffeULL, "mulhu");
    check(op_mulhsu(M1, M1), M1, "mulhsu");
    check(op_mulhsu(2, M1), 1, "mulhsu 2");
    check(op_mulh(MIN, MIN), 0x4000000000000000ULL, "mulh min*min");
    check(op_mulw(0x7fffffff, 2), 0xfffffffffffffffeULL, "mulw");
    check(op_mul(0x123456789ULL, 0x987654321ULL), 0x123456789ULL * 0x987654321ULL, "mul");
}

/* ---- A ------------------------------------------------------------------------------ */
static uint64_t cell __attribute__((aligned(8)));

static void g_lrsc(void)
{
    uint64_t r1, r2, r3;
    cell = 0x1111;
    __asm__ volatile("lr.d %0, (%3)\n sc.d %1, %4, (%3)\n sc.d %2, %5, (%3)"
                     : "=&r"(r1), "=&r"(r2), "=&r"(r3)
                     : "r"(&cell), "r"(0x2222UL), "r"(0x3333UL) : "memory");
    check(r1, 0x1111, "lr.d value");
    check(r2, 0, "sc.d success");
    check(r3 != 0, 1, "sc.d without reservation fails");
    check(cell, 0x2222, "sc.d stored once");
    mix(r1); mix(r2); mix(r3 != 0); mix(cell);
    cell = 0x0123456780000000ULL;
    __asm__ volatile("lr.w %0, (%3)\n sc.w %1, %4, (%3)\n sc.w %2, %5, (%3)"
                     : "=&r"(r1), "=&r"(r2), "=&r"(r3)
                     : "r"(&cell), "r"(0xfffffffffffffff0UL), "r"(0x44UL) : "memory");
    check(r1, 0xffffffff80000000ULL, "lr.w sign-extends");
    check(r2, 0, "sc.w success");
    check(r3 != 0, 1, "sc.w without reservation fails");
    check(cell, 0x01234567fffffff0ULL, "sc.w stores 32 bits");
    mix(r1); mix(r2); mix(r3 != 0); mix(cell);
    /* a store by the same hart between LR and SC: SC may fail or succeed; only
     * check that a plain SC after a completed pair fails */
    __asm__ volatile("sc.d %0, %2, (%1)" : "=&r"(r3) : "r"(&cell), "r"(0x55UL) : "memory");
    check(r3 != 0, 1, "sc.d after pair fails");
    check(cell, 0x01234567fffffff0ULL, "failed sc.d does not store");
}

#define AMO(name, insn) static uint64_t amo_##name(uint64_t *a, uint64_t v) { uint64_t r; \
    __asm__ volatile(insn " %0, %2, (%1)" : "=&r"(r) : "r"(a), "r"(v) : "memory"); return r; }
AMO(addw, "amoadd.w") AMO(swapw, "amoswap.w") AMO(andw, "amoand.w") AMO(orw, "amoor.w")
AMO(xorw, "amoxor.w") AMO(minw, "amomin.w") AMO(maxw, "amomax.w") AMO(minuw, "amominu.w")
AMO(maxuw, "amomaxu.w")
AMO(addd, "amoadd.d") AMO(swapd, "amoswap.d") AMO(andd, "amoand.d") AMO(ord, "amoor.d")
AMO(xord, "amoxor.d") AMO(mind, "amomin.d") AMO(maxd, "amomax.d") AMO(minud, "amominu.d")
AMO(maxud, "amomaxu.d")
AMO(addw_aqrl, "amoadd.w.aqrl") AMO(swapd_aq, "amoswap.d.aq") AMO(maxud_rl, "amomaxu.d.rl")

typedef uint64_t (*amo_fn)(uint64_t *, uint64_t);

static void g_amo(void)
{
    static const amo_fn fw[] = { amo_addw, amo_swapw, amo_andw, amo_orw, amo_xorw, amo_minw,
                                 amo_maxw, amo_minuw, amo_maxuw, amo_addw_aqrl };
    static const amo_fn fd[] = { amo_addd, amo_swapd, amo_andd, amo_ord, amo_xord, amo_mind,
                                 amo_maxd, amo_minud, amo_maxud, amo_swapd_aq, amo_maxud_rl };
    for (unsigned i = 0; i < NE; i++)
        for (unsigned j = 0; j < NE; j++) {
            for (unsigned k = 0; k < sizeof fw / sizeof fw[0]; k++) {
                cell = 0xa5a5a5a500000000ULL | (uint32_t)E[i];
                mix(fw[k](&cell, E[j]));
                mix(cell);      /* the upper word must be untouched */
            }
            for (unsigned k = 0; k < sizeof fd / sizeof fd[0]; k++) {
                cell = E[i];
                mix(fd[k](&cell, E[j]));
                mix(cell);
            }
        }
    cell = 0xa5a5a5a580000000ULL;
    check(amo_minw(&cell, 1), 0xffffffff80000000ULL, "amomin.w old value sign-extended");
    check(cell, 0xa5a5a5a580000000ULL, "amomin.w signed");
    check(amo_minuw(&cell, 1), 0xffffffff80000000ULL, "amominu.w old");
    check(cell, 0xa5a5a5a500000001ULL, "amominu.w unsigned");
    check(amo_maxw(&cell, (uint64_t)-1), 1, "amomax.w old");
    check(cell, 0xa5a5a5a500000001ULL, "amomax.w signed keeps 1");
    check(amo_addw(&cell, 0xffffffffULL), 1, "amoadd.w old");
    check(cell, 0xa5a5a5a500000000ULL, "amoadd.w wraps in 32 bits");
    cell = 0x8000000000000000ULL;
    check(amo_maxd(&cell, 0), 0x8000000000000000ULL, "amomax.d old");
    check(cell, 0, "amomax.d signed");
    check(amo_maxud(&cell, 0x8000000000000000ULL), 0, "amomaxu.d old");
    check(cell, 0x8000000000000000ULL, "amomaxu.d unsigned");
    uint64_t r;
    __asm__ volatile("amoswap.d zero, %2, (%0)\n ld %0, 0(%0)" : "=r"(r) : "0"(&cell), "r"(7UL)
                     : "memory");
    check(r, 7, "amoswap rd=x0");
}

/* ---- C -------------------------------------------------------------------------- */
void c_test(uint64_t *out);   /* fills out[0..NC-1]; returns the count in out[NC] */
#define NC 40
__asm__(
    ".pushsection .text.c_test, \"ax\"\n"
    ".option push\n"
    ".option rvc\n"
    ".balign 4\n"
    ".globl c_test\n"
    "c_test:\n"
    "  c.addi16sp sp, -64\n"
    "  c.sdsp s0, 0(sp)\n"
    "  c.sdsp s1, 8(sp)\n"
    "  c.sdsp ra, 16(sp)\n"
    "  c.mv s1, a0\n"
    /* c.li, c.lui, c.addi, c.addiw */
    "  c.li a0, -32\n"
    "  c.sd a0, 0(s1)\n"
    "  c.lui a1, 0x1f\n"
    "  c.sd a1, 8(s1)\n"
    "  c.lui a2, 0xfffe0\n"
    "  c.sd a2, 16(s1)\n"
    "  c.li a3, 31\n"
    "  c.addi a3, -32\n"
    "  c.sd a3, 24(s1)\n"
    "  c.addiw a3, 1\n"
    "  c.sd a3, 32(s1)\n"
    "  c.lui a4, 0x8\n"        /* a4 = 0x8000 */
    "  c.slli a4, 16\n"        /* 0x80000000 */
    "  c.addi a4, -1\n"        /* 0x7fffffff */
    "  c.addiw a4, 1\n"        /* 0xffffffff80000000 */
    "  c.sd a4, 40(s1)\n"
    /* shifts and c.andi */
    "  c.li a0, -1\n"
    "  c.slli a0, 63\n"
    "  c.sd a0, 48(s1)\n"
    "  c.mv a1, a0\n"
    "  c.srai a1, 3\n"
    "  c.sd a1, 56(s1)\n"
    "  c.mv a2, a0\n"
    "  c.srli a2, 63\n"
    "  c.sd a2, 64(s1)\n"
    "  c.li a3, -1\n"
    "  c.srli a3, 1\n"
    "  c.andi a3, -17\n"
    "  c.sd a3, 72(s1)\n"
    "  c.li a3, 13\n"
    "  c.andi a3, 6\n"
    "  c.sd a3, 80(s1)\n"
    "  c.li a3, -1\n"
    "  c.srai a3, 63\n"
    "  c.sd a3, 88(s1)\n"
    /* register-register ops */
    "  li a0, 0x123456789abcdef0\n"
    "  li a1, 0x0fedcba987654321\n"
    "  c.mv a2, a0\n  c.sub a2, a1\n  c.sd a2, 96(s1)\n"
    "  c.mv a2, a0\n  c.xor a2, a1\n  c.sd a2, 104(s1)\n"
    "  c.mv a2, a0\n  c.or a2, a1\n   c.sd a2, 112(s1)\n"
    "  c.mv a2, a0\n  c.and a2, a1\n  c.sd a2, 120(s1)\n"
    "  c.mv a2, a0\n  c.subw a2, a1\n c.sd a2, 128(s1)\n"
    "  c.mv a2, a0\n  c.addw a2, a1\n c.sd a2, 136(s1)\n"
    "  c.mv a2, a0\n  c.add a2, a1\n  c.sd a2, 144(s1)\n"
    "  c.mv s0, a1\n  c.add s0, s0\n  c.sd s0, 152(s1)\n"
    /* stack-pointer loads and stores, c.addi4spn, c.lw/c.ld/c.sw */
    "  c.swsp a0, 24(sp)\n"
    "  c.lwsp a3, 24(sp)\n"
    "  c.sd a3, 160(s1)\n"
    "  c.sdsp a1, 32(sp)\n"
    "  c.ldsp a4, 32(sp)\n"
    "  c.sd a4, 168(s1)\n"
    "  c.addi4spn a5, sp, 32\n"
    "  c.ld a2, 0(a5)\n"
    "  c.sd a2, 176(s1)\n"
    "  c.lw a3, 4(a5)\n"
    "  c.sd a3, 184(s1)\n"
    "  c.sw a0, 0(a5)\n"
    "  c.ld a3, 0(a5)\n"
    "  c.sd a3, 192(s1)\n"
    "  c.addi16sp sp, 32\n"    /* sp += 32 ... */
    "  c.ldsp a3, 0(sp)\n"     /* == the word at old sp+32 */
    "  c.addi16sp sp, -32\n"
    "  c.sd a3, 200(s1)\n"
    /* branches: each taken/not-taken path adds a distinct bit */
    "  c.li a0, 0\n"
    "  c.li a1, 0\n"
    "  c.beqz a0, 1f\n"
    "  c.addi a1, 1\n"
    "1: c.bnez a0, 2f\n"
    "  c.addi a1, 2\n"
    "2: c.li a0, -5\n"
    "  c.beqz a0, 3f\n"
    "  c.addi a1, 4\n"
    "3: c.bnez a0, 4f\n"
    "  c.addi a1, 8\n"
    "4: c.sd a1, 208(s1)\n"    /* 2 + 4 = 6 */
    /* c.j forward and back */
    "  c.li a1, 0\n"
    "  c.j 6f\n"
    "5: c.addi a1, 16\n"
    "  c.j 7f\n"
    "6: c.addi a1, 1\n"
    "  c.j 5b\n"
    "7: c.sd a1, 216(s1)\n"    /* 17 */
    /* c.jr and c.jalr */
    "  la a3, 8f\n"
    "  c.li a1, 0\n"
    "  c.jr a3\n"
    "  c.li a1, 9\n"
    "8: c.sd a1, 224(s1)\n"    /* 0 */
    "  la a3, 9f\n"
    "  c.jalr a3\n"
    "  c.li a1, 9\n"
    "9: auipc a4, 0\n"
    "  sub a4, a4, ra\n"       /* 2: the skipped c.li */
    "  c.sd a4, 232(s1)\n"
    "  c.sd a1, 240(s1)\n"
    "  c.nop\n"
    "  c.li a0, 0\n"
    "  c.addi a0, 31\n"
    "  c.slli a0, 1\n"
    "  c.sd a0, 248(s1)\n"     /* 62 */
    "  li a0, 32\n"            /* count of results (out[32]) */
    "  sd a0, 256(s1)\n"
    "  c.ldsp ra, 16(sp)\n"
    "  c.ldsp s1, 8(sp)\n"
    "  c.ldsp s0, 0(sp)\n"
    "  c.addi16sp sp, 64\n"
    "  c.jr ra\n"
    ".option pop\n"
    ".popsection\n");

static void g_rvc(void)
{
    uint64_t out[NC];
    memset(out, 0, sizeof out);
    c_test(out);
    unsigned n = (unsigned)out[32];
    check(n, 32, "count");
    for (unsigned i = 0; i < 32; i++)
        mix(out[i]);
    check(out[0], (uint64_t)-32, "c.li");
    check(out[1], 0x1f000, "c.lui");
    check(out[2], 0xfffffffffffe0000ULL, "c.lui negative");
    check(out[3], (uint64_t)-1, "c.addi");
    check(out[4], 0, "c.addiw");
    check(out[5], 0xffffffff80000000ULL, "c.addiw overflow");
    check(out[6], 0x8000000000000000ULL, "c.slli 63");
    check(out[7], 0xf000000000000000ULL, "c.srai");
    check(out[8], 1, "c.srli 63");
    check(out[9], 0x7fffffffffffffefULL, "c.andi -17");
    check(out[10], 4, "c.andi 6");
    check(out[11], (uint64_t)-1, "c.srai 63");
    check(out[12], 0x123456789abcdef0ULL - 0x0fedcba987654321ULL, "c.sub");
    check(out[13], 0x123456789abcdef0ULL ^ 0x0fedcba987654321ULL, "c.xor");
    check(out[16], (uint64_t)(int64_t)(int32_t)(0x9abcdef0u - 0x87654321u), "c.subw");
    check(out[17], (uint64_t)(int64_t)(int32_t)(0x9abcdef0u + 0x87654321u), "c.addw");
    check(out[20], 0xffffffff9abcdef0ULL, "c.swsp/c.lwsp");
    check(out[21], 0x0fedcba987654321ULL, "c.sdsp/c.ldsp");
    check(out[22], 0x0fedcba987654321ULL, "c.addi4spn/c.ld");
    check(out[23], 0x0fedcba9ULL, "c.lw");
    check(out[24], 0x0fedcba99abcdef0ULL, "c.sw");
    check(out[25], 0x0fedcba99abcdef0ULL, "c.addi16sp");
    check(out[26], 6, "c.beqz/c.bnez");
    check(out[27], 17, "c.j");
    check(out[28], 0, "c.jr");
    check(out[29], 2, "c.jalr link");
    check(out[30], 0, "c.jalr target");
    check(out[31], 62, "c.nop/c.addi/c.slli");
}

/* ---- FENCE, FENCE.I ------------------------------------------------------------- */
static uint32_t code[4] __attribute__((aligned(16)));

static void g_fence(void)
{
    __asm__ volatile("fence\n fence rw, rw\n fence r, r\n fence w, w\n fence iorw, iorw\n"
                     "fence.tso\n .word 0x0100000f\n" ::: "memory");   /* .word = pause */
    code[0] = 0x00100513;      /* addi a0, zero, 1 */
    code[1] = 0x00008067;      /* jalr zero, 0(ra) */
    __asm__ volatile("fence.i" ::: "memory");
    long (*fn)(void) = (long (*)(void))(uintptr_t)code;
    long r1 = fn();
    code[0] = 0x00200513;      /* addi a0, zero, 2 */
    __asm__ volatile("fence.i" ::: "memory");
    long r2 = fn();
    code[0] = 0x02a00513;      /* addi a0, zero, 42 */
    __asm__ volatile("fence\n fence.i" ::: "memory");
    long r3 = fn();
    check((uint64_t)r1, 1, "generated code");
    check((uint64_t)r2, 2, "fence.i after patch");
    check((uint64_t)r3, 42, "fence.i after second patch");
    mix((uint64_t)r1); mix((uint64_t)r2); mix((uint64_t)r3);
}

/* ---- Zicsr ------------------------------------------------------------------------ */
static void g_csr(void)
{
    uint64_t r[12];
    __asm__ volatile(
        NORVC("li t0, 0x5a5a5a5a5a5a5a5a\n csrw mscratch, t0\n"
              "li t1, 0x123456789\n csrrw %0, mscratch, t1\n"
              "li t1, 0xf0\n csrrs %1, mscratch, t1\n"
              "li t1, 0x10f\n csrrc %2, mscratch, t1\n"
              "csrrwi %3, mscratch, 17\n"
              "csrrsi %4, mscratch, 8\n"
              "csrrci %5, mscratch, 1\n"
              "csrrs %6, mscratch, zero\n"
              "csrrc %7, mscratch, zero\n"
              "csrrsi %8, mscratch, 0\n"
              "csrrci %9, mscratch, 0\n"
              "csrrs %10, mhartid, zero\n"
              "csrrw zero, mscratch, zero\n csrr %11, mscratch\n")
        : "=&r"(r[0]), "=&r"(r[1]), "=&r"(r[2]), "=&r"(r[3]), "=&r"(r[4]), "=&r"(r[5]),
          "=&r"(r[6]), "=&r"(r[7]), "=&r"(r[8]), "=&r"(r[9]), "=&r"(r[10]), "=&r"(r[11])
        :: "t0", "t1");
    static const uint64_t want[12] = {
        0x5a5a5a5a5a5a5a5aULL, 0x123456789ULL, 0x1234567f9ULL, 0x1234566f0ULL,
        17, 25, 24, 24, 24, 24, 0, 0,
    };
    for (unsigned i = 0; i < 12; i++) {
        mix(r[i]);
        check(r[i], want[i], "csr sequence");
    }
}

/* ---- driver ----------------------------------------------------------------------- */
struct group { const char *name; void (*fn)(void); uint64_t expect; };

static const struct group groups[] = {
    { "rv64i-alu",       g_alu,       0xc603facb3682efacULL },
    { "rv64i-shift",     g_shift,     0x8c463fab33bd23d3ULL },
    { "rv64i-lui-auipc", g_lui_auipc, 0x2d1721ad9fc23c2aULL },
    { "rv64i-loadstore", g_loadstore, 0x235a5937efabd761ULL },
    { "rv64i-branch",    g_branch,    0x886324774ea55340ULL },
    { "rv64i-jump",      g_jump,      0x2f9408f95c1f03a3ULL },
    { "rv64m",           g_mul_div,   0xab6c1762e22de1d8ULL },
    { "rv64a-lrsc",      g_lrsc,      0x5bc4ad41833d20a9ULL },
    { "rv64a-amo",       g_amo,       0x279dc6e01491ef0bULL },
    { "rvc",             g_rvc,       0xbb766d1053040965ULL },
    { "fence",           g_fence,     0x6da0d5a95f44a505ULL },
    { "zicsr",           g_csr,       0x785ba92429564d98ULL },
};

int main(void)
{
    unsigned bad = 0, n = sizeof groups / sizeof groups[0];
    kprintf("isa: RV64IMAC + Zicsr + Zifencei\n");
    for (unsigned i = 0; i < n; i++) {
        h = 0xcbf29ce484222325ULL;
        checks_failed = 0;
        groups[i].fn();
        int ok = h == groups[i].expect && checks_failed == 0;
        if (ok) {
            kprintf("%s: %016lx ok\n", groups[i].name, h);
        } else {
            bad++;
            kprintf("%s: %016lx FAIL (expected %016lx, %u checks failed)\n", groups[i].name, h,
                    groups[i].expect, checks_failed);
        }
    }
    if (bad) {
        kprintf("isa: %u of %u groups FAILED\n", bad, n);
        fail(1);
    }
    kprintf("isa: all %u groups ok\n", n);
    return 0;
}
