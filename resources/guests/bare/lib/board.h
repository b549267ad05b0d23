/* Berth board (docs/BOARD.md): addresses, CSR access, MMIO helpers. */
#ifndef BERTH_BOARD_H
#define BERTH_BOARD_H

#include <stdint.h>
#include <stddef.h>

#define SIFIVE_TEST_BASE 0x00100000UL
#define PM_BASE          0x00102000UL
#define CLINT_BASE       0x02000000UL
#define PLIC_BASE        0x0C000000UL
#define UART_BASE        0x10000000UL
#define FB_BASE          0x28000000UL    /* Berth only: simple-framebuffer */
#define RAM_BASE         0x80000000UL

#define UART_IRQ 10
#define PM_IRQ   12

/* sifive_test */
#define TEST_PASS  0x5555u
#define TEST_FAIL  0x3333u
#define TEST_RESET 0x7777u

/* PM block (16-bit registers) */
#define PM1_STS (PM_BASE + 0)
#define PM1_EN  (PM_BASE + 2)
#define PM1_CNT (PM_BASE + 4)
#define PM1_PWRBTN   (1u << 8)
#define PM1_SCI_EN   (1u << 0)
#define PM1_SLP_TYP(x) (((x) & 7u) << 10)
#define PM1_SLP_EN   (1u << 13)

/* Framebuffer (Berth only): x8r8g8b8, each pixel a little-endian 32-bit 0x00RRGGBB */
#define FB_WIDTH  1024
#define FB_HEIGHT 768
#define FB_STRIDE 4096UL                 /* bytes per row */

/* CLINT */
#define CLINT_MSIP     (CLINT_BASE + 0x0)
#define CLINT_MTIMECMP (CLINT_BASE + 0x4000)
#define CLINT_MTIME    (CLINT_BASE + 0xBFF8)
#define TIMEBASE_HZ    10000000UL

/* PLIC */
#define PLIC_PRIORITY(src)  (PLIC_BASE + 4UL * (src))
#define PLIC_PENDING(src)   (PLIC_BASE + 0x1000 + 4UL * ((src) / 32))
#define PLIC_ENABLE(ctx, src) (PLIC_BASE + 0x2000 + 0x80UL * (ctx) + 4UL * ((src) / 32))
#define PLIC_THRESHOLD(ctx) (PLIC_BASE + 0x200000 + 0x1000UL * (ctx))
#define PLIC_CLAIM(ctx)     (PLIC_BASE + 0x200004 + 0x1000UL * (ctx))

/* NS16550A */
#define UART_RBR 0
#define UART_THR 0
#define UART_IER 1
#define UART_IIR 2
#define UART_FCR 2
#define UART_LCR 3
#define UART_MCR 4
#define UART_LSR 5
#define UART_LSR_DR   0x01
#define UART_LSR_THRE 0x20

/* CSR bits */
#define MSTATUS_SIE  (1UL << 1)
#define MSTATUS_MIE  (1UL << 3)
#define MSTATUS_SPIE (1UL << 5)
#define MSTATUS_MPIE (1UL << 7)
#define MSTATUS_SPP  (1UL << 8)
#define MSTATUS_MPP  (3UL << 11)
#define MSTATUS_MPP_S (1UL << 11)
#define MSTATUS_MPP_M (3UL << 11)

#define IRQ_S_SOFT  1
#define IRQ_M_SOFT  3
#define IRQ_S_TIMER 5
#define IRQ_M_TIMER 7
#define IRQ_S_EXT   9
#define IRQ_M_EXT   11
#define MIP_SSIP (1UL << IRQ_S_SOFT)
#define MIP_MSIP (1UL << IRQ_M_SOFT)
#define MIP_STIP (1UL << IRQ_S_TIMER)
#define MIP_MTIP (1UL << IRQ_M_TIMER)
#define MIP_SEIP (1UL << IRQ_S_EXT)
#define MIP_MEIP (1UL << IRQ_M_EXT)

#define CAUSE_INTR (1UL << 63)
#define CAUSE_MISALIGNED_FETCH 0
#define CAUSE_FETCH_ACCESS     1
#define CAUSE_ILLEGAL          2
#define CAUSE_BREAKPOINT       3
#define CAUSE_MISALIGNED_LOAD  4
#define CAUSE_LOAD_ACCESS      5
#define CAUSE_MISALIGNED_STORE 6
#define CAUSE_STORE_ACCESS     7
#define CAUSE_ECALL_U          8
#define CAUSE_ECALL_S          9
#define CAUSE_ECALL_M          11

#define csr_read(csr) ({ unsigned long __v; \
    __asm__ volatile("csrr %0, " #csr : "=r"(__v) :: "memory"); __v; })
#define csr_write(csr, val) ({ unsigned long __w = (unsigned long)(val); \
    __asm__ volatile("csrw " #csr ", %0" :: "r"(__w) : "memory"); })
#define csr_set(csr, val) ({ unsigned long __w = (unsigned long)(val); \
    __asm__ volatile("csrs " #csr ", %0" :: "r"(__w) : "memory"); })
#define csr_clear(csr, val) ({ unsigned long __w = (unsigned long)(val); \
    __asm__ volatile("csrc " #csr ", %0" :: "r"(__w) : "memory"); })
#define csr_swap(csr, val) ({ unsigned long __w = (unsigned long)(val), __v; \
    __asm__ volatile("csrrw %0, " #csr ", %1" : "=r"(__v) : "r"(__w) : "memory"); __v; })

static inline void mmio_write8(unsigned long a, uint8_t v)   { *(volatile uint8_t *)a = v; }
static inline void mmio_write16(unsigned long a, uint16_t v) { *(volatile uint16_t *)a = v; }
static inline void mmio_write32(unsigned long a, uint32_t v) { *(volatile uint32_t *)a = v; }
static inline void mmio_write64(unsigned long a, uint64_t v) { *(volatile uint64_t *)a = v; }
static inline uint8_t  mmio_read8(unsigned long a)  { return *(volatile uint8_t *)a; }
static inline uint16_t mmio_read16(unsigned long a) { return *(volatile uint16_t *)a; }
static inline uint32_t mmio_read32(unsigned long a) { return *(volatile uint32_t *)a; }
static inline uint64_t mmio_read64(unsigned long a) { return *(volatile uint64_t *)a; }

static inline void wfi(void) { __asm__ volatile("wfi" ::: "memory"); }
static inline void irq_enable(void)  { csr_set(mstatus, MSTATUS_MIE); }
static inline void irq_disable(void) { csr_clear(mstatus, MSTATUS_MIE); }

#endif
