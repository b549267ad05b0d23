#!/bin/bash
# Run every QEMU-compatible guest on QEMU's virt machine and record what it prints and
# how it exits, as the reference for Berth's differential tests:
#   expected/NAME.out     everything the guest wrote to the UART (stdout of QEMU)
#   expected/NAME.status  QEMU's exit status (0 = sifive_test 0x5555, N = (N<<16)|0x3333)
#   expected/traps.board.out, fpu.board.out, smc.board.out  the output with QEMU 7.2's known deviations from
#                             docs/BOARD.md replaced by what the board contract requires
# Usage: ./check-qemu.sh            regenerate expected/
#        ./check-qemu.sh --verify   run again and compare with expected/ (exit 1 on a diff)
# QEMU: qemu-system-riscv64 (7.2, Debian 12). CPU model: qemu-cpu.txt (RV64IMAFDC+Zicsr+Zifencei
# with S and U; every other default extension turned off). Programs run one at a time.
set -uo pipefail
cd "$(dirname "$0")"

QEMU=${QEMU:-qemu-system-riscv64}
CPU=$(head -n1 qemu-cpu.txt)
VERIFY=0
[ "${1:-}" = "--verify" ] && VERIFY=1

PROGRAMS=(hello isa traps timer uart_echo bench fail reset vm fpu seip smc hotloop vm_jit)

input_for() {           # what the guest gets on its UART
    case $1 in
        uart_echo) printf 'abcq' ;;
        *) : ;;
    esac
}

extra_for() {           # extra QEMU options
    case $1 in
        bench) echo "-icount shift=0" ;;   # minstret counts instructions only with icount
        *) : ;;
    esac
}

board_traps() {         # QEMU 7.2 -> Berth (docs/BOARD.md), for the lines where they differ
    sed -e 's/^amo-fault: cause=5 /amo-fault: cause=7 /' \
        -e 's/^misaligned-amoadd\.w: cause=4 /misaligned-amoadd.w: cause=6 /' \
        -e 's/^misaligned-amoswap\.d: cause=4 /misaligned-amoswap.d: cause=6 /' \
        -e 's/^misaligned-sc\.w: no trap rd=1$/misaligned-sc.w: cause=6 tval=buf+0x2 epc=+0x4/' \
        -e 's/^misaligned-mmio-lw: no trap$/misaligned-mmio-lw: cause=4 tval=0x2004002 epc=+0x4/' \
        -e 's/^traps: done, 26 exceptions taken in M$/traps: done, 28 exceptions taken in M/'
}

board_smc() {           # without FENCE.I QEMU 7.2 finishes its translation block with the old code
    sed -e 's/^smc: same page, ahead of the pc: 2000 1 105 6$/smc: same page, ahead of the pc: 2000 100 6 2/'
}

board_fpu() {           # QEMU 7.2 does not set FS Dirty when an instruction changes only fflags
    sed -e 's/^feq\.d of an sNaN: fs=2 /feq.d of an sNaN: fs=3 /'
}

OUT=expected
[ $VERIFY = 1 ] && OUT=$(mktemp -d) && trap 'rm -rf "$OUT"' EXIT
mkdir -p "$OUT"
rc=0
for n in "${PROGRAMS[@]}"; do
    start=$(date +%s.%N)
    # shellcheck disable=SC2046
    input_for "$n" | timeout 60 "$QEMU" -machine virt -cpu "$CPU" -bios none \
        -kernel "bin/$n.elf" -nographic -monitor none $(extra_for "$n") \
        > "$OUT/$n.out" 2> "$OUT/$n.stderr"
    status=${PIPESTATUS[1]}
    end=$(date +%s.%N)
    echo "$status" > "$OUT/$n.status"
    if [ -s "$OUT/$n.stderr" ]; then
        echo "warning: $n: QEMU wrote to stderr:" >&2
        cat "$OUT/$n.stderr" >&2
    fi
    rm -f "$OUT/$n.stderr"
    printf '%-10s status=%-3s %6.2fs %4d lines\n' "$n" "$status" "$(awk "BEGIN{print $end - $start}")" \
        "$(wc -l < "$OUT/$n.out")"
    if [ $VERIFY = 1 ]; then
        if ! cmp -s "$OUT/$n.out" "expected/$n.out" || ! cmp -s "$OUT/$n.status" "expected/$n.status"; then
            echo "DIFF: $n" >&2
            diff "expected/$n.out" "$OUT/$n.out" >&2
            diff "expected/$n.status" "$OUT/$n.status" >&2
            rc=1
        fi
    fi
done
board_traps < "$OUT/traps.out" > "$OUT/traps.board.out"
board_fpu < "$OUT/fpu.out" > "$OUT/fpu.board.out"
board_smc < "$OUT/smc.out" > "$OUT/smc.board.out"
for n in traps fpu smc; do
    if [ $VERIFY = 1 ] && ! cmp -s "$OUT/$n.board.out" "expected/$n.board.out"; then
        echo "DIFF: $n.board.out" >&2
        rc=1
    fi
done
exit $rc
