/* vm_jit: Sv39 changes under code hot enough to be translated (S-mode). Identity gigapage
 * over RAM (root[2]), the UART and sifive_test through root[0]; test pages at VA_T (root[1]).
 * - a data page remapped, then SFENCE.VMA of that page: loads see the new frame;
 * - a code page remapped the same way: calls run the new frame's code;
 * - two root tables mapping VA_T's code page to different frames, satp switched between them;
 * - a page fault in the middle of a hot loop: M maps the page and the loop retries and goes on;
 * - a 2 MiB megapage read through two of its 4 KiB pieces, remapped, and fenced at the address
 *   of one piece: the other piece must see the new frame too (the fence covers the whole leaf).
 * One line per case, then "vm_jit: done". */
#include "lib.h"

#define PTE_V (1UL << 0)
#define PTE_R (1UL << 1)
#define PTE_W (1UL << 2)
#define PTE_X (1UL << 3)
#define PTE_A (1UL << 6)
#define PTE_D (1UL << 7)
#define RWAD  (PTE_V | PTE_R | PTE_W | PTE_A | PTE_D)
#define RXA   (PTE_V | PTE_R | PTE_X | PTE_A)
#define SATP_SV39 (8UL << 60)
#define CAUSE_LOAD_PF 13
#define VA_T 0x40000000UL
#define HOT  2000
#define VA_M  0x40200000UL                 /* l1_t[1]: a megapage */
#define MEG_A (RAM_BASE + 0x200000UL)      /* two 2 MiB frames the program does not use */
#define MEG_B (RAM_BASE + 0x400000UL)

static uint64_t root[512]  __attribute__((aligned(4096)));
static uint64_t root2[512] __attribute__((aligned(4096)));
static uint64_t l1_low[512] __attribute__((aligned(4096)));
static uint64_t l0_io[512] __attribute__((aligned(4096)));
static uint64_t l1_t[512]  __attribute__((aligned(4096)));
static uint64_t l0_t[512]  __attribute__((aligned(4096)));
static uint64_t l1_t2[512] __attribute__((aligned(4096)));
static uint64_t l0_t2[512] __attribute__((aligned(4096)));
static uint64_t pg_a[512] __attribute__((aligned(4096)));
static uint64_t pg_b[512] __attribute__((aligned(4096)));
static uint32_t code1[1024] __attribute__((aligned(4096)));
static uint32_t code2[1024] __attribute__((aligned(4096)));

static volatile unsigned long pf_tval, pf_i, pf_count;

static inline unsigned long pte_ptr(const void *next) { return (((unsigned long)next >> 12) << 10) | PTE_V; }
static inline unsigned long pte_leaf(const void *pa, unsigned long flags) { return (((unsigned long)pa >> 12) << 10) | flags; }
static inline void sfence_va(unsigned long va) { __asm__ volatile("sfence.vma %0, zero" :: "r"(va) : "memory"); }
static inline void sfence_all(void) { __asm__ volatile("sfence.vma" ::: "memory"); }

/* Sums 3 pages of VA_T + 0x2000.. in 8-byte steps; t0 = byte offset, t1 = sum. */
long sum_pages(unsigned long base);
__asm__(".text\n .balign 4\n .option push\n .option norvc\n"
        ".globl sum_pages\nsum_pages:\n  li t0, 0\n  li t1, 0\n  li t3, 0x3000\n"
        "1: add t2, a0, t0\n  ld t2, 0(t2)\n  add t1, t1, t2\n  addi t0, t0, 8\n  blt t0, t3, 1b\n"
        "  mv a0, t1\n  ret\n .option pop\n");

void m_trap(struct trap_frame *f)
{
    handle_lower_return(f);
    if (f->cause == CAUSE_LOAD_PF && pf_count == 0) {
        pf_tval = f->tval;
        pf_i = f->regs[5];
        pf_count++;
        l0_t[3] = pte_leaf(pg_b, RWAD);   /* map it and let the load run again */
        sfence_all();
        return;
    }
    kprintf("vm_jit: unexpected trap mcause=0x%lx mepc=0x%lx mtval=0x%lx\n", f->cause, f->epc,
            f->tval);
    fail(1);
}

static long sum_data(int n)
{
    long s = 0;
    for (int i = 0; i < n; i++)
        s += *(volatile uint64_t *)(VA_T + 8 * (i & 7));
    return s;
}

static long read_pieces(int n)
{
    long s = 0;
    for (int i = 0; i < n; i++)
        s += *(volatile long *)VA_M * 1000 + *(volatile long *)(VA_M + 0x1000);
    return s;
}

static long call_n(int n)
{
    long s = 0;
    for (int i = 0; i < n; i++)
        s += ((long (*)(void))(VA_T + 0x1000))();
    return s;
}

static void s_main(void)
{
    long d1 = sum_data(HOT);
    l0_t[0] = pte_leaf(pg_b, RWAD);
    sfence_va(VA_T);
    long d2 = sum_data(HOT);
    kprintf("vm_jit: data page remapped: %ld then %ld\n", d1, d2);

    long c1 = call_n(HOT);
    l0_t[1] = pte_leaf(code2, RXA);
    sfence_va(VA_T + 0x1000);
    long c2 = call_n(HOT);
    l0_t[1] = pte_leaf(code1, RXA);
    sfence_all();
    long c3 = call_n(HOT);
    kprintf("vm_jit: code page remapped: %ld then %ld then %ld\n", c1, c2, c3);

    unsigned long s1 = SATP_SV39 | ((unsigned long)root >> 12);
    unsigned long s2 = SATP_SV39 | ((unsigned long)root2 >> 12);
    long alt = 0;
    for (int i = 0; i < HOT; i++) {
        __asm__ volatile("csrw satp, %0\n sfence.vma" :: "r"((i & 1) ? s2 : s1) : "memory");
        alt += ((long (*)(void))(VA_T + 0x1000))();
    }
    __asm__ volatile("csrw satp, %0\n sfence.vma" :: "r"(s1) : "memory");
    kprintf("vm_jit: satp switched under the call: %ld\n", alt);

    long p = 0;
    for (int i = 0; i < 50; i++)   /* hot first, pages 2 and 4 mapped, page 3 not */
        p += sum_pages(VA_T + 0x2000) == 0 ? 0 : 1;
    kprintf("vm_jit: page fault in the loop: tval=VA_T+0x%lx at offset 0x%lx, faults=%lu, "
            "sum=%ld\n", pf_tval - VA_T, pf_i, pf_count, sum_pages(VA_T + 0x2000));

    *(volatile long *)MEG_A = 1;
    *(volatile long *)(MEG_A + 0x1000) = 2;
    *(volatile long *)MEG_B = 3;
    *(volatile long *)(MEG_B + 0x1000) = 4;
    long m1 = read_pieces(HOT);
    l1_t[1] = pte_leaf((void *)MEG_B, RWAD);
    sfence_va(VA_M);
    long m2 = *(volatile long *)(VA_M + 0x1000);
    kprintf("vm_jit: megapage remapped, fenced at one address: %ld then %ld\n", m1, m2);
    lower_return(p);
}

int main(void)
{
    for (int i = 0; i < 512; i++) {
        pg_a[i] = i + 1;
        pg_b[i] = 1000 + i;
    }
    code1[0] = 0x00100513u;   /* li a0, 1 */
    code1[1] = 0x00008067u;   /* ret */
    code2[0] = 0x00200513u;   /* li a0, 2 */
    code2[1] = 0x00008067u;
    __asm__ volatile("fence.i" ::: "memory");

    root[0] = pte_ptr(l1_low);
    l1_low[0] = pte_ptr(l0_io);
    l0_io[SIFIVE_TEST_BASE >> 12] = (SIFIVE_TEST_BASE >> 12) << 10 | RWAD;
    l1_low[UART_BASE >> 21] = (UART_BASE >> 12) << 10 | RWAD;
    root[2] = (RAM_BASE >> 12) << 10 | RWAD | PTE_X;
    root[1] = pte_ptr(l1_t);
    l1_t[0] = pte_ptr(l0_t);
    l0_t[0] = pte_leaf(pg_a, RWAD);
    l0_t[1] = pte_leaf(code1, RXA);
    l0_t[2] = pte_leaf(pg_a, RWAD);
    l0_t[4] = pte_leaf(pg_a, RWAD);   /* l0_t[3] is invalid until the fault */
    l1_t[1] = pte_leaf((void *)MEG_A, RWAD);
    for (int i = 0; i < 512; i++)
        root2[i] = root[i];
    root2[1] = pte_ptr(l1_t2);
    l1_t2[0] = pte_ptr(l0_t2);
    l0_t2[1] = pte_leaf(code2, RXA);

    csr_write(satp, SATP_SV39 | ((unsigned long)root >> 12));
    sfence_all();
    long r = run_in_mode(s_main, 1);
    csr_write(satp, 0);
    sfence_all();
    kprintf("vm_jit: done (%ld)\n", r);
    return 0;
}
