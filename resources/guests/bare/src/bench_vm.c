/* bench_vm: bench's workload in S-mode with Sv39 paging on, so every fetch, load and store goes
 * through address translation (identity-mapped gigapages: devices at 0, RAM at 2 GiB). It
 * prints the same lines as bench; compare MIPS with bench to see what paging costs. */
#define INSTRET() csr_read(instret)
#define BENCH_MAIN bench_main
#include "bench.c"

#define SATP_SV39 (8UL << 60)
#define PTE_VRWXAD 0xcfUL /* V R W X A D */

static uint64_t root[512] __attribute__((aligned(4096)));

static void s_bench(void)
{
    lower_return(bench_main());
}

int main(void)
{
    root[0] = (0x00000000UL >> 12) << 10 | PTE_VRWXAD;
    root[2] = (0x80000000UL >> 12) << 10 | PTE_VRWXAD;
    csr_write(mcounteren, 7); /* S may read cycle, time, instret */
    csr_write(satp, SATP_SV39 | ((unsigned long)root >> 12));
    __asm__ volatile("sfence.vma" ::: "memory");
    kprintf("bench_vm: S-mode, Sv39 identity gigapages\n");
    return (int)run_in_mode(s_bench, 1);
}
