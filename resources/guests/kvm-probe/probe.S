/*
 * Berth's KVM probe: a 512-byte boot sector that takes the path an OS takes out of real mode and
 * reports each step on COM1, so Berth trusts KVM only once a guest got all the way under it:
 *   R  running in real mode (the BIOS handed over)
 *   P  32-bit protected mode (GDT loaded, CR0.PE set, far jump taken)
 *   L  64-bit long mode with paging on (PAE tables, EFER.LME, CR0.PG)
 *   W  a fixed workload done: 16 M iterations of register arithmetic, then 4 M stores over the
 *      second MiB (Berth times L to W on the host and compares it with TCG's time)
 *   T  three interrupts from the PIT through the 8259 into a 64-bit IDT
 *   K  done; then it halts with interrupts off.
 * Seen here: a nested KVM without VT-x runs a one-instruction boot sector, yet executes guest
 * code about a thousand times slower than TCG (the Linux decompressor seems hung for minutes):
 * reaching a stage is not enough, the workload's time is what tells.
 */
        .set COM1, 0x3f8
        .set PML4, 0x1000           /* PML4 at 0x1000, PDPT 0x2000, PD 0x3000 */
        .set IDT, 0x4000
        .set TICKS, 0x0500

        .code16
        .globl _start
_start:
        cli
        xor     %ax, %ax
        mov     %ax, %ds
        mov     %ax, %es
        mov     %ax, %ss
        mov     $0x7c00, %sp
        mov     $COM1, %dx
        mov     $'R', %al
        out     %al, %dx

        /* Zero the page tables, the IDT and the tick counter's page. */
        cld
        xor     %ax, %ax
        mov     $PML4, %di
        mov     $0x2000, %cx        /* 0x1000-0x4fff in words */
        rep stosw
        movb    $0, TICKS
        movw    $0x2003, PML4       /* PML4[0] -> PDPT, present and writable */
        movw    $0x3003, 0x2000     /* PDPT[0] -> PD */
        movw    $0x0083, 0x3000     /* PD[0]: the first 2 MiB, identity, a large page */

        lgdt    gdtr
        mov     %cr0, %eax
        or      $1, %eax
        mov     %eax, %cr0
        ljmp    $0x08, $pm32

        .code32
pm32:
        mov     $0x10, %ax
        mov     %ax, %ds
        mov     %ax, %es
        mov     %ax, %ss
        mov     $'P', %al
        out     %al, %dx

        mov     %cr4, %eax
        or      $0x20, %eax         /* PAE */
        mov     %eax, %cr4
        mov     $PML4, %eax
        mov     %eax, %cr3
        mov     $0xc0000080, %ecx   /* EFER */
        rdmsr
        or      $0x100, %eax        /* LME */
        wrmsr
        mov     %cr0, %eax
        or      $0x80000000, %eax   /* PG: long mode becomes active */
        mov     %eax, %cr0
        ljmp    $0x18, $lm64

        .code64
lm64:
        mov     $0x7c00, %esp
        mov     $COM1, %dx
        mov     $'L', %al
        out     %al, %dx

        /* The workload: arithmetic, then stores with paging on. */
        mov     $16000000, %ecx
1:      add     %ecx, %ebx
        xor     $0x55, %ebx
        dec     %ecx
        jnz     1b
        mov     $32, %r8d
2:      mov     $0x100000, %edi
3:      mov     %edi, (%rdi)
        add     $8, %edi
        cmp     $0x200000, %edi
        jb      3b
        dec     %r8d
        jnz     2b
        mov     $'W', %al
        out     %al, %dx

        /* IDT entry 0x20: an interrupt gate to tick; the rest stay not-present. */
        mov     $tick, %eax
        movw    %ax, IDT + 0x20 * 16
        movw    $0x18, IDT + 0x20 * 16 + 2
        movw    $0x8e00, IDT + 0x20 * 16 + 4
        shr     $16, %eax
        movw    %ax, IDT + 0x20 * 16 + 6
        lidt    idtr

        /* 8259: IRQ 0-7 at vector 0x20, 8-15 at 0x28, only IRQ 0 unmasked. */
        mov     $0x11, %al
        out     %al, $0x20
        out     %al, $0xa0
        mov     $0x20, %al
        out     %al, $0x21
        mov     $0x28, %al
        out     %al, $0xa1
        mov     $4, %al
        out     %al, $0x21
        mov     $2, %al
        out     %al, $0xa1
        mov     $1, %al
        out     %al, $0x21
        out     %al, $0xa1
        mov     $0xfe, %al
        out     %al, $0x21
        mov     $0xff, %al
        out     %al, $0xa1

        /* PIT channel 0, rate generator, 100 Hz. */
        mov     $0x34, %al
        out     %al, $0x43
        mov     $0x9c, %al
        out     %al, $0x40
        mov     $0x2e, %al
        out     %al, $0x40

        sti
wait:   hlt
        cmpb    $3, TICKS
        jb      wait
        cli
        mov     $'T', %al
        out     %al, %dx
        mov     $'K', %al
        out     %al, %dx
        mov     $'\n', %al
        out     %al, %dx
done:   hlt
        jmp     done

tick:   push    %rax
        incb    TICKS
        mov     $0x20, %al          /* end of interrupt */
        out     %al, $0x20
        pop     %rax
        iretq

        .p2align 3
gdt:    .quad   0
        .quad   0x00cf9a000000ffff  /* 0x08: 32-bit code */
        .quad   0x00cf92000000ffff  /* 0x10: data */
        .quad   0x00af9a000000ffff  /* 0x18: 64-bit code */
gdtr:   .word   gdtr - gdt - 1
        .long   gdt
idtr:   .word   0x21 * 16 - 1
        .quad   IDT

        .org    510
        .word   0xaa55
