package dev.berth.core.cpu;

/**
 * The C extension, as a table: every 16-bit instruction is expanded once, at class load, into the
 * 32-bit instruction it stands for, so the hart decodes only one format. Reserved encodings map to
 * 0, which is not a valid 32-bit instruction and so raises illegal-instruction.
 */
final class Compressed {
  private Compressed() {}

  private static final int[] TABLE = new int[1 << 16];

  static {
    for (int c = 0; c < TABLE.length; c++) {
      TABLE[c] = (c & 3) == 3 ? 0 : expandOne(c);
    }
  }

  /** The 32-bit equivalent of the compressed instruction {@code c}, or 0 if it is reserved. */
  static int expand(int c) {
    return TABLE[c];
  }

  private static final int LOAD = 0x03, LOAD_FP = 0x07, OP_IMM = 0x13, OP_IMM_32 = 0x1b;
  private static final int STORE = 0x23, STORE_FP = 0x27, OP = 0x33, LUI = 0x37, OP_32 = 0x3b;
  private static final int BRANCH = 0x63, JALR = 0x67, JAL = 0x6f;
  private static final int EBREAK = 0x00100073;

  private static int bits(int c, int hi, int lo) {
    return (c >>> lo) & ((1 << (hi - lo + 1)) - 1);
  }

  private static int bit(int c, int b) {
    return (c >>> b) & 1;
  }

  private static int signExtend(int v, int width) {
    return (v << (32 - width)) >> (32 - width);
  }

  private static int iType(int imm, int rs1, int f3, int rd, int op) {
    return (imm & 0xfff) << 20 | rs1 << 15 | f3 << 12 | rd << 7 | op;
  }

  private static int sType(int imm, int rs2, int rs1, int f3, int op) {
    return ((imm >> 5) & 0x7f) << 25 | rs2 << 20 | rs1 << 15 | f3 << 12 | (imm & 0x1f) << 7 | op;
  }

  private static int rType(int f7, int rs2, int rs1, int f3, int rd, int op) {
    return f7 << 25 | rs2 << 20 | rs1 << 15 | f3 << 12 | rd << 7 | op;
  }

  private static int bType(int imm, int rs2, int rs1, int f3) {
    return ((imm >> 12) & 1) << 31
        | ((imm >> 5) & 0x3f) << 25
        | rs2 << 20
        | rs1 << 15
        | f3 << 12
        | ((imm >> 1) & 0xf) << 8
        | ((imm >> 11) & 1) << 7
        | BRANCH;
  }

  private static int jType(int imm, int rd) {
    return ((imm >> 20) & 1) << 31
        | ((imm >> 1) & 0x3ff) << 21
        | ((imm >> 11) & 1) << 20
        | ((imm >> 12) & 0xff) << 12
        | rd << 7
        | JAL;
  }

  private static int expandOne(int c) {
    int quadrant = c & 3;
    int f3 = bits(c, 15, 13);
    return switch (quadrant) {
      case 0 -> quadrant0(c, f3);
      case 1 -> quadrant1(c, f3);
      default -> quadrant2(c, f3);
    };
  }

  private static int quadrant0(int c, int f3) {
    int rdp = bits(c, 4, 2) + 8;
    int rs1p = bits(c, 9, 7) + 8;
    int uimmD = bits(c, 12, 10) << 3 | bits(c, 6, 5) << 6;
    int uimmW = bits(c, 12, 10) << 3 | bit(c, 6) << 2 | bit(c, 5) << 6;
    return switch (f3) {
      case 0 -> { // C.ADDI4SPN
        int imm = bits(c, 12, 11) << 4 | bits(c, 10, 7) << 6 | bit(c, 6) << 2 | bit(c, 5) << 3;
        yield imm == 0 ? 0 : iType(imm, 2, 0, rdp, OP_IMM);
      }
      case 1 -> iType(uimmD, rs1p, 3, rdp, LOAD_FP); // C.FLD
      case 2 -> iType(uimmW, rs1p, 2, rdp, LOAD); // C.LW
      case 3 -> iType(uimmD, rs1p, 3, rdp, LOAD); // C.LD
      case 5 -> sType(uimmD, rdp, rs1p, 3, STORE_FP); // C.FSD
      case 6 -> sType(uimmW, rdp, rs1p, 2, STORE); // C.SW
      case 7 -> sType(uimmD, rdp, rs1p, 3, STORE); // C.SD
      default -> 0;
    };
  }

  private static int quadrant1(int c, int f3) {
    int rd = bits(c, 11, 7);
    int imm6 = signExtend(bit(c, 12) << 5 | bits(c, 6, 2), 6);
    int rdp = bits(c, 9, 7) + 8;
    int rs2p = bits(c, 4, 2) + 8;
    return switch (f3) {
      case 0 -> iType(imm6, rd, 0, rd, OP_IMM); // C.ADDI, C.NOP
      case 1 -> rd == 0 ? 0 : iType(imm6, rd, 0, rd, OP_IMM_32); // C.ADDIW
      case 2 -> iType(imm6, 0, 0, rd, OP_IMM); // C.LI
      case 3 -> {
        if (rd == 2) { // C.ADDI16SP
          int imm =
              signExtend(
                  bit(c, 12) << 9
                      | bit(c, 6) << 4
                      | bit(c, 5) << 6
                      | bits(c, 4, 3) << 7
                      | bit(c, 2) << 5,
                  10);
          yield imm == 0 ? 0 : iType(imm, 2, 0, 2, OP_IMM);
        }
        yield imm6 == 0 ? 0 : (imm6 << 12) | rd << 7 | LUI; // C.LUI
      }
      case 4 -> miscAlu(c, rdp, rs2p, imm6);
      case 5 -> { // C.J
        int imm =
            signExtend(
                bit(c, 12) << 11
                    | bit(c, 11) << 4
                    | bits(c, 10, 9) << 8
                    | bit(c, 8) << 10
                    | bit(c, 7) << 6
                    | bit(c, 6) << 7
                    | bits(c, 5, 3) << 1
                    | bit(c, 2) << 5,
                12);
        yield jType(imm, 0);
      }
      default -> { // C.BEQZ, C.BNEZ
        int imm =
            signExtend(
                bit(c, 12) << 8
                    | bits(c, 11, 10) << 3
                    | bits(c, 6, 5) << 6
                    | bits(c, 4, 3) << 1
                    | bit(c, 2) << 5,
                9);
        yield bType(imm, 0, rdp, f3 == 6 ? 0 : 1);
      }
    };
  }

  private static int miscAlu(int c, int rdp, int rs2p, int imm6) {
    int shamt = bit(c, 12) << 5 | bits(c, 6, 2);
    return switch (bits(c, 11, 10)) {
      case 0 -> iType(shamt, rdp, 5, rdp, OP_IMM); // C.SRLI
      case 1 -> iType(0x400 | shamt, rdp, 5, rdp, OP_IMM); // C.SRAI
      case 2 -> iType(imm6, rdp, 7, rdp, OP_IMM); // C.ANDI
      default -> {
        int op2 = bits(c, 6, 5);
        if (bit(c, 12) == 0) {
          yield switch (op2) {
            case 0 -> rType(0x20, rs2p, rdp, 0, rdp, OP); // C.SUB
            case 1 -> rType(0, rs2p, rdp, 4, rdp, OP); // C.XOR
            case 2 -> rType(0, rs2p, rdp, 6, rdp, OP); // C.OR
            default -> rType(0, rs2p, rdp, 7, rdp, OP); // C.AND
          };
        }
        yield switch (op2) {
          case 0 -> rType(0x20, rs2p, rdp, 0, rdp, OP_32); // C.SUBW
          case 1 -> rType(0, rs2p, rdp, 0, rdp, OP_32); // C.ADDW
          default -> 0;
        };
      }
    };
  }

  private static int quadrant2(int c, int f3) {
    int rd = bits(c, 11, 7);
    int rs2 = bits(c, 6, 2);
    int uimmDsp = bit(c, 12) << 5 | bits(c, 6, 5) << 3 | bits(c, 4, 2) << 6;
    int uimmWsp = bit(c, 12) << 5 | bits(c, 6, 4) << 2 | bits(c, 3, 2) << 6;
    int sdspImm = bits(c, 12, 10) << 3 | bits(c, 9, 7) << 6;
    return switch (f3) {
      case 0 -> iType(bit(c, 12) << 5 | rs2, rd, 1, rd, OP_IMM); // C.SLLI
      case 1 -> iType(uimmDsp, 2, 3, rd, LOAD_FP); // C.FLDSP
      case 2 -> rd == 0 ? 0 : iType(uimmWsp, 2, 2, rd, LOAD); // C.LWSP
      case 3 -> rd == 0 ? 0 : iType(uimmDsp, 2, 3, rd, LOAD); // C.LDSP
      case 4 -> {
        if (bit(c, 12) == 0) {
          if (rs2 == 0) {
            yield rd == 0 ? 0 : iType(0, rd, 0, 0, JALR); // C.JR
          }
          yield rType(0, rs2, 0, 0, rd, OP); // C.MV
        }
        if (rs2 == 0) {
          yield rd == 0 ? EBREAK : iType(0, rd, 0, 1, JALR); // C.EBREAK, C.JALR
        }
        yield rType(0, rs2, rd, 0, rd, OP); // C.ADD
      }
      case 5 -> sType(sdspImm, rs2, 2, 3, STORE_FP); // C.FSDSP
      case 6 -> sType(bits(c, 12, 9) << 2 | bits(c, 8, 7) << 6, rs2, 2, 2, STORE); // C.SWSP
      default -> sType(sdspImm, rs2, 2, 3, STORE); // C.SDSP
    };
  }
}
