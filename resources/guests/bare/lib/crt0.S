/* Berth bare-metal guests: entry, trap entries, lower-privilege helpers. */

    .section .text.start, "ax"
    .globl _start
_start:
    /* M-mode, a0 = hart id, a1 = FDT. No gp (nothing uses gp relaxation). */
    la      sp, __stack_top
    mv      s0, a0
    mv      s1, a1
    csrw    mie, zero
    la      t0, m_trap_entry
    csrw    mtvec, t0
    csrw    mscratch, zero
    /* PMP entry 0 = NAPOT over everything, RWX: QEMU enforces PMP, and with no
     * entry S/U-mode accesses would fault there (Berth just holds the values). */
    li      t0, -1
    csrw    pmpaddr0, t0
    li      t0, 0x1f
    csrw    pmpcfg0, t0
    la      t0, __bss_start
    la      t1, __bss_end
1:  bgeu    t0, t1, 2f
    sd      zero, 0(t0)
    addi    t0, t0, 8
    j       1b
2:  la      t0, boot_hartid
    sd      s0, 0(t0)
    la      t0, boot_fdt
    sd      s1, 0(t0)
    mv      a0, s0
    mv      a1, s1
    call    main
    call    exit                /* exit(main's return value) */
3:  j       3b

    .section .bss
    .balign 8
    .globl boot_hartid, boot_fdt
boot_hartid: .dword 0
boot_fdt:    .dword 0

/* Trap frame: x0..x31 at 8*n, epc 256, cause 264, tval 272, status 280; 288 bytes. */
    .macro SAVE_GPRS
    addi    sp, sp, -288
    sd      x1, 8(sp)
    sd      x3, 24(sp)
    sd      x4, 32(sp)
    sd      x5, 40(sp)
    sd      x6, 48(sp)
    sd      x7, 56(sp)
    sd      x8, 64(sp)
    sd      x9, 72(sp)
    sd      x10, 80(sp)
    sd      x11, 88(sp)
    sd      x12, 96(sp)
    sd      x13, 104(sp)
    sd      x14, 112(sp)
    sd      x15, 120(sp)
    sd      x16, 128(sp)
    sd      x17, 136(sp)
    sd      x18, 144(sp)
    sd      x19, 152(sp)
    sd      x20, 160(sp)
    sd      x21, 168(sp)
    sd      x22, 176(sp)
    sd      x23, 184(sp)
    sd      x24, 192(sp)
    sd      x25, 200(sp)
    sd      x26, 208(sp)
    sd      x27, 216(sp)
    sd      x28, 224(sp)
    sd      x29, 232(sp)
    sd      x30, 240(sp)
    sd      x31, 248(sp)
    sd      zero, 0(sp)
    addi    t0, sp, 288
    sd      t0, 16(sp)
    .endm

    .macro RESTORE_GPRS
    ld      x1, 8(sp)
    ld      x3, 24(sp)
    ld      x4, 32(sp)
    ld      x5, 40(sp)
    ld      x6, 48(sp)
    ld      x7, 56(sp)
    ld      x8, 64(sp)
    ld      x9, 72(sp)
    ld      x10, 80(sp)
    ld      x11, 88(sp)
    ld      x12, 96(sp)
    ld      x13, 104(sp)
    ld      x14, 112(sp)
    ld      x15, 120(sp)
    ld      x16, 128(sp)
    ld      x17, 136(sp)
    ld      x18, 144(sp)
    ld      x19, 152(sp)
    ld      x20, 160(sp)
    ld      x21, 168(sp)
    ld      x22, 176(sp)
    ld      x23, 184(sp)
    ld      x24, 192(sp)
    ld      x25, 200(sp)
    ld      x26, 208(sp)
    ld      x27, 216(sp)
    ld      x28, 224(sp)
    ld      x29, 232(sp)
    ld      x30, 240(sp)
    ld      x31, 248(sp)
    ld      x2, 16(sp)
    .endm

    .text
    .balign 4
    .globl m_trap_entry
m_trap_entry:
    SAVE_GPRS
    csrr    t0, mepc
    sd      t0, 256(sp)
    csrr    t0, mcause
    sd      t0, 264(sp)
    csrr    t0, mtval
    sd      t0, 272(sp)
    csrr    t0, mstatus
    sd      t0, 280(sp)
    mv      a0, sp
    call    m_trap
    ld      t0, 256(sp)
    csrw    mepc, t0
    RESTORE_GPRS
    mret

    .balign 4
    .globl s_trap_entry
s_trap_entry:
    SAVE_GPRS
    csrr    t0, sepc
    sd      t0, 256(sp)
    csrr    t0, scause
    sd      t0, 264(sp)
    csrr    t0, stval
    sd      t0, 272(sp)
    csrr    t0, sstatus
    sd      t0, 280(sp)
    mv      a0, sp
    call    s_trap
    ld      t0, 256(sp)
    csrw    sepc, t0
    RESTORE_GPRS
    sret

/* long run_in_mode(void (*fn)(void), unsigned long mode) */
    .globl run_in_mode
run_in_mode:
    la      t0, mode_ctx
    sd      ra, 0(t0)
    sd      sp, 8(t0)
    sd      s0, 16(t0)
    sd      s1, 24(t0)
    sd      s2, 32(t0)
    sd      s3, 40(t0)
    sd      s4, 48(t0)
    sd      s5, 56(t0)
    sd      s6, 64(t0)
    sd      s7, 72(t0)
    sd      s8, 80(t0)
    sd      s9, 88(t0)
    sd      s10, 96(t0)
    sd      s11, 104(t0)
    sd      gp, 112(t0)
    sd      tp, 120(t0)
    li      t1, 0x1800              /* mstatus.MPP */
    csrc    mstatus, t1
    andi    a1, a1, 3
    slli    a1, a1, 11
    csrs    mstatus, a1
    csrw    mepc, a0
    mret

/* void return_to_m(long value): longjmp to run_in_mode's caller (M-mode only) */
    .globl return_to_m
return_to_m:
    la      t0, mode_ctx
    ld      ra, 0(t0)
    ld      sp, 8(t0)
    ld      s0, 16(t0)
    ld      s1, 24(t0)
    ld      s2, 32(t0)
    ld      s3, 40(t0)
    ld      s4, 48(t0)
    ld      s5, 56(t0)
    ld      s6, 64(t0)
    ld      s7, 72(t0)
    ld      s8, 80(t0)
    ld      s9, 88(t0)
    ld      s10, 96(t0)
    ld      s11, 104(t0)
    ld      gp, 112(t0)
    ld      tp, 120(t0)
    ret

/* void lower_return(long value): from U or S mode, back to run_in_mode's caller */
    .globl lower_return
lower_return:
    li      a7, 0x4245525448
    ecall
1:  j       1b

    .section .bss
    .balign 8
mode_ctx: .space 128
