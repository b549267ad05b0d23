/* bench: CPU-bound mix of loads, stores, branches and multiplies/divides.
 * Each round: a sieve of Eratosthenes over a 64 KiB byte array, a bitwise CRC-32 over
 * 4 KiB, a 16x16 integer matrix multiply and an LCG with a division, all folded into one
 * checksum. It prints the checksum and the number of instructions retired between the
 * two reads of minstret around the rounds (Berth's MIPS = instret / wall time), then
 * powers off. On QEMU, minstret counts instructions only with -icount (shift=0). */
#include "lib.h"

#define ROUNDS 300
/* bench_vm.c reuses this file in S-mode, where the counter is instret and main is its own. */
#ifndef INSTRET
#define INSTRET() csr_read(minstret)
#endif
#ifndef BENCH_MAIN
#define BENCH_MAIN main
#endif
#define SIEVE_N 65536
#define CRC_N 4096
#define MAT 16

static uint8_t sieve[SIEVE_N];
static uint8_t crcbuf[CRC_N];
static int32_t ma[MAT][MAT], mb[MAT][MAT], mc[MAT][MAT];
static uint64_t lcg_state = 0x853c49e6748fea9bULL;

static uint64_t lcg(void)
{
    lcg_state = lcg_state * 6364136223846793005ULL + 1442695040888963407ULL;
    return lcg_state;
}

static unsigned run_sieve(void)
{
    for (unsigned i = 0; i < SIEVE_N; i++)
        sieve[i] = 1;
    sieve[0] = sieve[1] = 0;
    for (unsigned i = 2; i * i < SIEVE_N; i++)
        if (sieve[i])
            for (unsigned j = i * i; j < SIEVE_N; j += i)
                sieve[j] = 0;
    unsigned n = 0;
    for (unsigned i = 0; i < SIEVE_N; i++)
        n += sieve[i];
    return n;
}

static uint32_t crc32(const uint8_t *p, unsigned n)
{
    uint32_t c = 0xffffffffu;
    for (unsigned i = 0; i < n; i++) {
        c ^= p[i];
        for (int k = 0; k < 8; k++)
            c = (c >> 1) ^ (0xedb88320u & -(c & 1));
    }
    return ~c;
}

static uint64_t matmul(void)
{
    for (int i = 0; i < MAT; i++)
        for (int j = 0; j < MAT; j++) {
            ma[i][j] = (int32_t)(lcg() >> 40) - (1 << 23);
            mb[i][j] = (int32_t)(lcg() >> 48) - (1 << 15);
        }
    for (int i = 0; i < MAT; i++)
        for (int j = 0; j < MAT; j++) {
            int64_t s = 0;
            for (int k = 0; k < MAT; k++)
                s += (int64_t)ma[i][k] * mb[k][j];
            mc[i][j] = (int32_t)s;
        }
    uint64_t t = 0;
    for (int i = 0; i < MAT; i++)
        for (int j = 0; j < MAT; j++)
            t = t * 31 + (uint32_t)mc[i][j];
    return t;
}

static uint64_t lcg_mix(unsigned n)
{
    uint64_t acc = 0;
    for (unsigned i = 0; i < n; i++) {
        uint64_t x = lcg();
        acc += x / ((x >> 56) | 1);
        acc ^= acc << 7;
    }
    return acc;
}

int BENCH_MAIN(void)
{
    kprintf("bench: %u rounds of sieve(64 KiB) + crc32(4 KiB) + matmul(16x16) + lcg\n", ROUNDS);
    for (unsigned i = 0; i < CRC_N; i++)
        crcbuf[i] = (uint8_t)lcg();
    uint64_t sum = 0;
    unsigned primes = 0;
    uint64_t i0 = INSTRET();
    for (unsigned r = 0; r < ROUNDS; r++) {
        primes = run_sieve();
        crcbuf[r % CRC_N] ^= (uint8_t)r;
        uint32_t crc = crc32(crcbuf, CRC_N);
        uint64_t m = matmul();
        uint64_t l = lcg_mix(2000);
        sum = (sum ^ primes) * 0x100000001b3ULL;
        sum = (sum ^ crc) * 0x100000001b3ULL;
        sum = (sum ^ m) * 0x100000001b3ULL;
        sum = (sum ^ l) * 0x100000001b3ULL;
    }
    uint64_t i1 = INSTRET();
    kprintf("bench: primes=%u\n", primes);
    kprintf("bench: checksum=0x%016lx\n", sum);
    kprintf("bench: instret=%lu\n", i1 - i0);
    return 0;
}
