/* Shared helpers for the Berth bare-metal guests. */
#ifndef BERTH_LIB_H
#define BERTH_LIB_H

#include "board.h"
#include <stdarg.h>

/* Saved by the trap entries in crt0.S; a handler may change regs[] and epc. */
struct trap_frame {
    unsigned long regs[32];   /* x0..x31 (regs[0] is 0; regs[2] is the interrupted sp) */
    unsigned long epc;        /* written back to mepc/sepc before mret/sret */
    unsigned long cause;
    unsigned long tval;
    unsigned long status;
};
enum { REG_RA = 1, REG_SP = 2, REG_T0 = 5, REG_A0 = 10, REG_A1 = 11, REG_A7 = 17 };

/* crt0.S */
extern unsigned long boot_hartid, boot_fdt;
void m_trap_entry(void);           /* direct-mode M trap entry: calls m_trap(frame) */
void s_trap_entry(void);           /* S trap entry: calls s_trap(frame), then sret */
void m_trap(struct trap_frame *f); /* weak default: report and fail(1) */
void s_trap(struct trap_frame *f); /* weak default: report and fail(1) */
/* Run fn in privilege mode `mode` (0 = U, 1 = S) by mret. It returns when the
 * lower-mode code calls lower_return(v) (ecall with a7 = LOWER_RETURN_MAGIC)
 * and the M handler passes it to handle_lower_return(). */
long run_in_mode(void (*fn)(void), unsigned long mode);
void return_to_m(long value) __attribute__((noreturn));
#define LOWER_RETURN_MAGIC 0x4245525448UL    /* "BERTH" */
void lower_return(long value) __attribute__((noreturn));
/* In an M handler: if the trap is the lower_return ecall, longjmp back into
 * run_in_mode's caller (does not return); otherwise returns 0. */
int handle_lower_return(struct trap_frame *f);

/* uart.c */
extern int uart_onlcr;
void uart_putc(char c);
void uart_puts(const char *s);
int  uart_getc(void);              /* -1 if no byte waiting */
void uart_enable_rx_irq(void);

/* printf.c */
int kprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
int kvprintf(const char *fmt, va_list ap);
int ksnprintf(char *buf, size_t n, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* lib.c */
void poweroff(void) __attribute__((noreturn));
void fail(unsigned code) __attribute__((noreturn));
void reset(void) __attribute__((noreturn));
void exit(int code) __attribute__((noreturn));
uint64_t mtime(void);
void set_mtimecmp(uint64_t v);
uint64_t get_mtimecmp(void);
void set_msip(int on);
void plic_set_priority(int src, unsigned prio);
void plic_enable(int ctx, int src);
void plic_disable(int ctx, int src);
void plic_set_threshold(int ctx, unsigned t);
unsigned plic_claim(int ctx);
void plic_complete(int ctx, unsigned id);
unsigned insn_length(unsigned long pc);   /* 2 or 4 */
void *memset(void *d, int c, size_t n);
void *memcpy(void *d, const void *s, size_t n);
void *memmove(void *d, const void *s, size_t n);
int memcmp(const void *a, const void *b, size_t n);
size_t strlen(const char *s);
int strcmp(const char *a, const char *b);
int strncmp(const char *a, const char *b, size_t n);

#endif
