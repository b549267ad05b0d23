package dev.berth.core.cpu;

import static org.objectweb.asm.Opcodes.*;

import dev.berth.core.bus.Ram;
import java.util.ArrayList;
import java.util.List;
import org.objectweb.asm.ClassWriter;
import org.objectweb.asm.Label;
import org.objectweb.asm.MethodVisitor;

/**
 * Turns guest code into the class file of a {@link Unit}. A unit is the run of instructions from
 * its entry to the first JALR or backward or out-of-page JAL, to an instruction left to the
 * interpreter (SYSTEM, FENCE.I, anything illegal), to the end of the page or to a length limit;
 * conditional branches inside it do not end it, and a JAL forward within the page is followed (the
 * bytes skipped are part of the unit's span, for self-modifying code). Branches and JALs to an
 * instruction of the unit are JVM jumps, so loops stay inside one method; a backward one first
 * checks the slice's budget.
 *
 * <p>Guest registers live in JVM locals for the unit's duration (read at entry, the ones written
 * stored back at every exit). instret is counted in a local and advanced once per straight-line
 * segment. Every instruction's semantics are inlined, except AMOs and the F and D instructions,
 * which call the interpreter. Loads and stores hit the hart's soft TLB inline and call the slow
 * path on a miss; a trap there goes through a handler that stores registers, pc and instret as at
 * the trapping instruction, and a slow access that needs the dispatcher (an interrupt line moved,
 * code was written, a device ended the slice) leaves the unit right after the instruction.
 */
final class UnitCompiler {
  /** HotSpot never compiles a method bigger than 8000 bytes; stay clear of it. */
  static final int MAX_METHOD_BYTES = 7600;

  private static final String HART = "dev/berth/core/cpu/Hart";
  private static final String TRAP = "dev/berth/core/cpu/Trap";
  private static final String RAM = "dev/berth/core/bus/Ram";
  private static final String UNIT = "dev/berth/core/cpu/Unit";

  // Local variable slots: guest register r (1..31) is the long at 2*r.
  private static final int HART_SLOT = 1, ICOUNT = 64, LIMIT = 66, VA = 68, TMP = 70;
  private static final int RAM_SLOT = 72, TAGR = 73, ADDR = 74, TAGW = 75, ADDW = 76;
  private static final int XS = 77, EXC = 78, IDX = 79;

  private enum Kind {
    INLINE,
    HELPER,
    LAST, // a jump: the unit ends after it
    STOP // left to the interpreter: the unit ends before it
  }

  /** A compiled unit: its class file, how many guest instructions it holds and their bytes. */
  record Code(byte[] classFile, int instructions, int length, boolean fallsThrough) {}

  private record TrapSite(Label handler, long pc, int pending) {}

  // The unit being compiled.
  private int count;
  private final int[] insn = new int[Translator.MAX_INSTRUCTIONS];
  private final int[] bits = new int[Translator.MAX_INSTRUCTIONS];
  private final int[] len = new int[Translator.MAX_INSTRUCTIONS];
  private final long[] pcs = new long[Translator.MAX_INSTRUCTIONS];
  private final boolean[] target = new boolean[Translator.MAX_INSTRUCTIONS];
  private final Label[] labels = new Label[Translator.MAX_INSTRUCTIONS];
  private int used, written; // register bit sets
  private boolean memory;
  private final List<TrapSite> trapSites = new ArrayList<>();
  private MethodVisitor mv;
  private Label exit, trapExit;
  private int pending;

  /** The unit's last instruction goes on to the next one: the unit ends only for its length. */
  private boolean fallsThrough;

  /**
   * Decodes the code in {@code code[off, end)} ({@code end} at most the end of its page), whose
   * first byte is at virtual address {@code pc}, for {@link #compile}; returns the bytes the unit
   * takes, 0 if its first instruction is one the interpreter must execute.
   */
  int decode(byte[] code, int off, int end, long pc) {
    decode(code, off, end, pc, Translator.MAX_INSTRUCTIONS);
    return count == 0 ? 0 : (int) (pcs[count - 1] + len[count - 1] - pcs[0]);
  }

  /** Compiles what {@link #decode} found (it must have found something). */
  Code compile() {
    while (true) {
      analyse();
      byte[] cls = generate();
      if (cls != null) {
        long bytes = pcs[count - 1] + len[count - 1] - pcs[0];
        return new Code(cls, count, (int) bytes, fallsThrough);
      }
      count = Math.max(1, count / 2); // the method was too big for HotSpot: take half
    }
  }

  private void decode(byte[] ram, int off, int pageEnd, long pc, int max) {
    count = 0;
    while (count < max) {
      int rest = pageEnd - off;
      if (rest < 2) {
        break;
      }
      int lo = (int) Ram.read(ram, off, 2) & 0xffff;
      int b;
      int i;
      int n;
      if ((lo & 3) != 3) {
        b = lo;
        i = Compressed.expand(lo);
        n = 2;
        if (i == 0) {
          break;
        }
      } else {
        if (rest < 4) {
          break; // an instruction across the page end: the interpreter fetches it
        }
        b = Ram.read32(ram, off);
        i = b;
        n = 4;
      }
      Kind k = kind(i);
      if (k == Kind.STOP) {
        break;
      }
      insn[count] = i;
      bits[count] = b;
      len[count] = n;
      pcs[count] = pc;
      count++;
      long target = pc + immJ(i);
      pc += n;
      off += n;
      if (k == Kind.LAST) {
        // A jump forward within the page (a call to a helper, the end of an if) is followed:
        // the unit goes on at its target, so code stays monotonic and the unit's bytes one span.
        if ((i & 0x7f) != 0x6f || target <= pc - n || target - pc > pageEnd - off) {
          break;
        }
        off += (int) (target - pc);
        pc = target;
      }
    }
  }

  private static Kind kind(int i) {
    int f3 = Hart.funct3(i);
    int f7 = i >>> 25;
    boolean ok =
        switch ((i >>> 2) & 31) {
          case 0x00 -> f3 != 7; // LOAD
          case 0x08 -> f3 <= 3; // STORE
          case 0x04 -> // OP-IMM
              (f3 != 1 || (i >>> 26) == 0) && (f3 != 5 || (i >>> 26) == 0 || (i >>> 26) == 0x10);
          case 0x06 -> f3 == 0 || (f3 == 1 && f7 == 0) || (f3 == 5 && (f7 == 0 || f7 == 0x20));
          case 0x0c -> f7 == 1 || f7 == 0 || (f7 == 0x20 && (f3 == 0 || f3 == 5)); // OP
          case 0x0e -> // OP-32
              (f7 == 1 && f3 != 1 && f3 != 2 && f3 != 3)
                  || (f7 == 0 && (f3 == 0 || f3 == 1 || f3 == 5))
                  || (f7 == 0x20 && (f3 == 0 || f3 == 5));
          case 0x05, 0x0d -> true; // AUIPC, LUI
          case 0x18 -> f3 != 2 && f3 != 3; // BRANCH
          case 0x03 -> f3 == 0; // FENCE (nothing to order on one hart); FENCE.I stops
          case 0x19 -> f3 == 0; // JALR
          case 0x1b -> true; // JAL
          default -> false;
        };
    int op = (i >>> 2) & 31;
    if (op == 0x0b || op == 0x01 || op == 0x09 || (op >= 0x10 && op <= 0x14)) {
      return Kind.HELPER; // AMO, LOAD-FP, STORE-FP, FMA, OP-FP
    }
    if (!ok) {
      return Kind.STOP;
    }
    return op == 0x19 || op == 0x1b ? Kind.LAST : Kind.INLINE;
  }

  /** Branch targets inside the unit, and the registers read and written. */
  private void analyse() {
    used = 0;
    written = 0;
    memory = false;
    for (int k = 0; k < count; k++) {
      target[k] = false;
    }
    for (int k = 0; k < count; k++) {
      int i = insn[k];
      int op = (i >>> 2) & 31;
      int rd = Hart.rd(i);
      int rs1 = Hart.rs1(i);
      int rs2 = Hart.rs2(i);
      switch (op) {
        case 0x00 -> {
          memory = true;
          use(rs1);
          write(rd);
        }
        case 0x08 -> {
          memory = true;
          use(rs1);
          use(rs2);
        }
        case 0x04, 0x06, 0x19 -> {
          use(rs1);
          write(rd);
        }
        case 0x0c, 0x0e -> {
          use(rs1);
          use(rs2);
          write(rd);
        }
        case 0x05, 0x0d, 0x1b -> write(rd);
        case 0x18 -> {
          use(rs1);
          use(rs2);
        }
        case 0x03 -> {}
        default -> { // helper: any of its fields may name an x register
          use(rs1);
          use(rs2);
          use(rd);
        }
      }
      long t = op == 0x18 ? pcs[k] + immB(i) : op == 0x1b ? pcs[k] + immJ(i) : Long.MIN_VALUE;
      int at = indexOf(t);
      if (at >= 0) {
        target[at] = true;
      }
    }
  }

  private void use(int r) {
    used |= r == 0 ? 0 : 1 << r;
  }

  private void write(int r) {
    if (r != 0) {
      used |= 1 << r;
      written |= 1 << r;
    }
  }

  private int indexOf(long pc) {
    for (int k = 0; k < count; k++) {
      if (pcs[k] == pc) {
        return k;
      }
    }
    return -1;
  }

  static long immB(int i) {
    return ((i >> 31) << 12)
        | (((i >>> 7) & 1) << 11)
        | (((i >>> 25) & 0x3f) << 5)
        | (((i >>> 8) & 0xf) << 1);
  }

  static long immJ(int i) {
    return ((i >> 31) << 20)
        | (i & 0xff000)
        | (((i >>> 20) & 1) << 11)
        | (((i >>> 21) & 0x3ff) << 1);
  }

  // ---- code generation --------------------------------------------------------------------

  /** The class file, or null if its method would be too big for HotSpot to compile. */
  private byte[] generate() {
    ClassWriter cw =
        new ClassWriter(ClassWriter.COMPUTE_FRAMES | ClassWriter.COMPUTE_MAXS) {
          @Override
          protected String getCommonSuperClass(String a, String b) {
            return a.equals(b) ? a : "java/lang/Object"; // no class loading from here
          }
        };
    cw.visit(V17, ACC_FINAL | ACC_SUPER, "dev/berth/core/cpu/TranslatedUnit", null, UNIT, null);
    MethodVisitor init = cw.visitMethod(0, "<init>", "()V", null, null);
    init.visitCode();
    init.visitVarInsn(ALOAD, 0);
    init.visitMethodInsn(INVOKESPECIAL, UNIT, "<init>", "()V", false);
    init.visitInsn(RETURN);
    init.visitMaxs(0, 0);
    init.visitEnd();

    mv = cw.visitMethod(0, "run", "(L" + HART + ";)J", null, null);
    mv.visitCode();
    Label end = new Label();
    exit = new Label();
    trapExit = new Label();
    trapSites.clear();
    pending = 0;
    prologue();
    for (int k = 0; k < count; k++) {
      labels[k] = new Label();
    }
    fallsThrough = true;
    for (int k = 0; k < count; k++) {
      if (target[k]) {
        commit(pending);
        pending = 0;
        mv.visitLabel(labels[k]);
      }
      fallsThrough = instruction(k);
      pending++;
    }
    if (fallsThrough) {
      exitTo(pcs[count - 1] + len[count - 1], pending);
    }
    trapHandlers();
    epilogues();
    mv.visitLabel(end);
    mv.visitMaxs(0, 0);
    mv.visitEnd();
    cw.visitEnd();
    if (end.getOffset() > MAX_METHOD_BYTES && count > 1) {
      return null;
    }
    return cw.toByteArray();
  }

  private void prologue() {
    mv.visitVarInsn(ALOAD, HART_SLOT);
    mv.visitFieldInsn(GETFIELD, HART, "x", "[J");
    mv.visitVarInsn(ASTORE, XS);
    reload(used);
    mv.visitVarInsn(ALOAD, HART_SLOT);
    mv.visitFieldInsn(GETFIELD, HART, "instret", "J");
    mv.visitVarInsn(LSTORE, ICOUNT);
    mv.visitVarInsn(ALOAD, HART_SLOT);
    mv.visitFieldInsn(GETFIELD, HART, "unitLimit", "J");
    mv.visitVarInsn(LSTORE, LIMIT);
    if (memory) {
      loadField("ram", "[B", RAM_SLOT);
      loadField("curTagR", "[J", TAGR);
      loadField("curAddR", "[J", ADDR);
      loadField("curTagW", "[J", TAGW);
      loadField("curAddW", "[J", ADDW);
    }
  }

  private void loadField(String name, String desc, int slot) {
    mv.visitVarInsn(ALOAD, HART_SLOT);
    mv.visitFieldInsn(GETFIELD, HART, name, desc);
    mv.visitVarInsn(ASTORE, slot);
  }

  private void reload(int regs) {
    for (int r = 1; r < 32; r++) {
      if ((regs >>> r & 1) != 0) {
        mv.visitVarInsn(ALOAD, XS);
        pushInt(r);
        mv.visitInsn(LALOAD);
        mv.visitVarInsn(LSTORE, 2 * r);
      }
    }
  }

  private void spill(int regs) {
    for (int r = 1; r < 32; r++) {
      if ((regs >>> r & 1) != 0) {
        mv.visitVarInsn(ALOAD, XS);
        pushInt(r);
        mv.visitVarInsn(LLOAD, 2 * r);
        mv.visitInsn(LASTORE);
      }
    }
  }

  /** The shared exits: the next pc is on the stack. */
  private void epilogues() {
    mv.visitLabel(exit);
    spill(written);
    storeInstret();
    mv.visitInsn(LRETURN);
    if (!trapSites.isEmpty()) {
      mv.visitLabel(trapExit);
      mv.visitVarInsn(LSTORE, TMP);
      spill(written);
      storeInstret();
      mv.visitVarInsn(ALOAD, HART_SLOT);
      mv.visitVarInsn(LLOAD, TMP);
      mv.visitFieldInsn(PUTFIELD, HART, "pc", "J");
      mv.visitVarInsn(ALOAD, EXC);
      mv.visitInsn(ATHROW);
    }
  }

  private void storeInstret() {
    mv.visitVarInsn(ALOAD, HART_SLOT);
    mv.visitVarInsn(LLOAD, ICOUNT);
    mv.visitFieldInsn(PUTFIELD, HART, "instret", "J");
  }

  private void trapHandlers() {
    for (TrapSite t : trapSites) {
      mv.visitLabel(t.handler);
      mv.visitVarInsn(ASTORE, EXC);
      commit(t.pending);
      pushLong(t.pc);
      mv.visitJumpInsn(GOTO, trapExit);
    }
  }

  private void commit(int n) {
    if (n > 0) {
      mv.visitVarInsn(LLOAD, ICOUNT);
      pushLong(n);
      mv.visitInsn(LADD);
      mv.visitVarInsn(LSTORE, ICOUNT);
    }
  }

  /** Leaves the unit for {@code pc} with {@code n} more instructions retired. */
  private void exitTo(long pc, int n) {
    commit(n);
    pushLong(pc);
    mv.visitJumpInsn(GOTO, exit);
  }

  /** Code between the labels may trap: its handler records instruction {@code k}. */
  private void guarded(Label start, Label endLabel, int k) {
    Label h = new Label();
    mv.visitTryCatchBlock(start, endLabel, h, TRAP);
    trapSites.add(new TrapSite(h, pcs[k], pending));
  }

  /** After a slow path: leave for {@code next} if the dispatcher has something to do. */
  private void leaveIfAsked(long next) {
    Label stay = new Label();
    mv.visitVarInsn(ALOAD, HART_SLOT);
    mv.visitFieldInsn(GETFIELD, HART, "leaveUnit", "Z");
    mv.visitJumpInsn(IFEQ, stay);
    exitTo(next, pending + 1);
    mv.visitLabel(stay);
  }

  /** Emits instruction {@code k}; returns false if control never falls through it. */
  private boolean instruction(int k) {
    int i = insn[k];
    long pc = pcs[k];
    long next = pc + len[k];
    int rd = Hart.rd(i);
    int rs1 = Hart.rs1(i);
    int rs2 = Hart.rs2(i);
    int f3 = Hart.funct3(i);
    switch ((i >>> 2) & 31) {
      case 0x00 -> load(k, f3, rd, rs1, i >> 20, next);
      case 0x08 -> store(k, f3, rs1, rs2, Hart.immS(i), next);
      case 0x04 -> {
        if (rd != 0) {
          opImm(f3, rs1, i >> 20);
          storeReg(rd);
        }
      }
      case 0x06 -> {
        if (rd != 0) {
          opImm32(f3, rs1, i >> 20);
          storeReg(rd);
        }
      }
      case 0x0c -> {
        if (rd != 0) {
          op(i >>> 25, f3, rs1, rs2);
          storeReg(rd);
        }
      }
      case 0x0e -> {
        if (rd != 0) {
          op32(i >>> 25, f3, rs1, rs2);
          storeReg(rd);
        }
      }
      case 0x0d -> {
        if (rd != 0) {
          pushLong(i & 0xfffff000);
          storeReg(rd);
        }
      }
      case 0x05 -> {
        if (rd != 0) {
          pushLong(pc + (i & 0xfffff000));
          storeReg(rd);
        }
      }
      case 0x03 -> {} // FENCE
      case 0x18 -> branch(k, f3, rs1, rs2, pc + immB(i));
      case 0x1b -> {
        if (rd != 0) {
          pushLong(next);
          storeReg(rd);
        }
        jumpTo(k, pc + immJ(i));
        return false;
      }
      case 0x19 -> {
        loadReg(rs1);
        pushLong(i >> 20);
        mv.visitInsn(LADD);
        pushLong(~1L);
        mv.visitInsn(LAND);
        mv.visitVarInsn(LSTORE, TMP); // before rd is written: rd may be rs1
        if (rd != 0) {
          pushLong(next);
          storeReg(rd);
        }
        commit(pending + 1);
        mv.visitVarInsn(LLOAD, TMP);
        mv.visitJumpInsn(GOTO, exit);
        return false;
      }
      default -> helper(k, next);
    }
    return true;
  }

  /** A taken branch or JAL to {@code t}: a JVM jump if t is in the unit, else an exit. */
  private void jumpTo(int k, long t) {
    int at = indexOf(t);
    if (at < 0) {
      exitTo(t, pending + 1);
      return;
    }
    commit(pending + 1);
    if (at <= k) { // a loop: the slice's budget ends it
      mv.visitVarInsn(LLOAD, ICOUNT);
      mv.visitVarInsn(LLOAD, LIMIT);
      mv.visitInsn(LCMP);
      mv.visitJumpInsn(IFLT, labels[at]);
      pushLong(t);
      mv.visitJumpInsn(GOTO, exit);
    } else {
      mv.visitJumpInsn(GOTO, labels[at]);
    }
  }

  private void branch(int k, int f3, int rs1, int rs2, long t) {
    Label notTaken = new Label();
    boolean unsigned = f3 >= 6;
    loadReg(rs1);
    if (unsigned) {
      flipSign();
    }
    loadReg(rs2);
    if (unsigned) {
      flipSign();
    }
    mv.visitInsn(LCMP);
    int skip =
        switch (f3) {
          case 0 -> IFNE; // BEQ
          case 1 -> IFEQ; // BNE
          case 4, 6 -> IFGE; // BLT, BLTU
          default -> IFLT; // BGE, BGEU
        };
    mv.visitJumpInsn(skip, notTaken);
    jumpTo(k, t);
    mv.visitLabel(notTaken);
  }

  /** Unsigned comparison as signed: flip the sign bits. */
  private void flipSign() {
    pushLong(Long.MIN_VALUE);
    mv.visitInsn(LXOR);
  }

  private void address(int rs1, long imm) {
    loadReg(rs1);
    if (imm != 0) {
      pushLong(imm);
      mv.visitInsn(LADD);
    }
    mv.visitVarInsn(LSTORE, VA);
  }

  /**
   * The soft-TLB check: jumps to {@code miss} unless the entry for va's page in {@code tags} is
   * that page and the access's last byte is on it too; leaves the slot in IDX.
   */
  private void tlbCheck(int tags, int size, Label miss) {
    mv.visitVarInsn(ALOAD, tags);
    mv.visitVarInsn(LLOAD, VA);
    pushInt(12);
    mv.visitInsn(LUSHR);
    mv.visitInsn(L2I);
    pushInt(Hart.TLB_MASK);
    mv.visitInsn(IAND);
    mv.visitInsn(DUP);
    mv.visitVarInsn(ISTORE, IDX);
    mv.visitInsn(LALOAD);
    mv.visitVarInsn(LLOAD, VA);
    if (size > 1) {
      pushLong(size - 1);
      mv.visitInsn(LADD);
    }
    pushInt(12);
    mv.visitInsn(LUSHR);
    mv.visitInsn(LCMP);
    mv.visitJumpInsn(IFNE, miss);
    mv.visitVarInsn(ALOAD, RAM_SLOT);
    mv.visitVarInsn(LLOAD, VA);
    mv.visitVarInsn(ALOAD, tags == TAGR ? ADDR : ADDW);
    mv.visitVarInsn(ILOAD, IDX);
    mv.visitInsn(LALOAD);
    mv.visitInsn(LADD);
    mv.visitInsn(L2I);
    pushInt(size);
  }

  private void load(int k, int f3, int rd, int rs1, long imm, long next) {
    int size = 1 << (f3 & 3);
    Label miss = new Label();
    Label done = new Label();
    address(rs1, imm);
    tlbCheck(TAGR, size, miss);
    mv.visitMethodInsn(INVOKESTATIC, RAM, "read", "([BII)J", false);
    extendAndStore(f3, rd);
    mv.visitJumpInsn(GOTO, done);
    mv.visitLabel(miss);
    Label start = new Label();
    Label end = new Label();
    mv.visitLabel(start);
    mv.visitVarInsn(ALOAD, HART_SLOT);
    mv.visitVarInsn(LLOAD, VA);
    pushInt(size);
    mv.visitMethodInsn(INVOKEVIRTUAL, HART, "loadSlow", "(JI)J", false);
    mv.visitLabel(end);
    guarded(start, end, k);
    extendAndStore(f3, rd);
    leaveIfAsked(next);
    mv.visitLabel(done);
  }

  private void extendAndStore(int f3, int rd) {
    if (f3 >= 4) {
      pushLong(f3 == 4 ? 0xffL : f3 == 5 ? 0xffffL : 0xffffffffL);
      mv.visitInsn(LAND);
    }
    storeReg(rd);
  }

  private void store(int k, int f3, int rs1, int rs2, long imm, long next) {
    int size = 1 << f3;
    Label miss = new Label();
    Label done = new Label();
    address(rs1, imm);
    tlbCheck(TAGW, size, miss);
    loadReg(rs2);
    mv.visitMethodInsn(INVOKESTATIC, RAM, "write", "([BIIJ)V", false);
    mv.visitJumpInsn(GOTO, done);
    mv.visitLabel(miss);
    Label start = new Label();
    Label end = new Label();
    mv.visitLabel(start);
    mv.visitVarInsn(ALOAD, HART_SLOT);
    mv.visitVarInsn(LLOAD, VA);
    pushInt(size);
    loadReg(rs2);
    mv.visitMethodInsn(INVOKEVIRTUAL, HART, "storeSlow", "(JIJ)V", false);
    mv.visitLabel(end);
    guarded(start, end, k);
    leaveIfAsked(next);
    mv.visitLabel(done);
  }

  /** An instruction the interpreter executes: registers go to the hart and come back. */
  private void helper(int k, long next) {
    spill(written);
    Label start = new Label();
    Label end = new Label();
    mv.visitLabel(start);
    mv.visitVarInsn(ALOAD, HART_SLOT);
    pushInt(insn[k]);
    pushInt(bits[k]);
    pushLong(pcs[k]);
    pushInt(len[k]);
    mv.visitMethodInsn(INVOKEVIRTUAL, HART, "executeOne", "(IIJI)J", false);
    mv.visitInsn(POP2);
    mv.visitLabel(end);
    guarded(start, end, k);
    reload(used);
    leaveIfAsked(next);
  }

  private void opImm(int f3, int rs1, int imm) {
    loadReg(rs1);
    switch (f3) {
      case 0 -> {
        pushLong(imm);
        mv.visitInsn(LADD);
      }
      case 1 -> {
        pushInt(imm & 0x3f);
        mv.visitInsn(LSHL);
      }
      case 2 -> {
        pushLong(imm);
        setIfLess();
      }
      case 3 -> {
        flipSign();
        pushLong(imm ^ Long.MIN_VALUE);
        setIfLess();
      }
      case 4 -> {
        pushLong(imm);
        mv.visitInsn(LXOR);
      }
      case 5 -> {
        pushInt(imm & 0x3f);
        mv.visitInsn((imm >>> 10 & 1) != 0 ? LSHR : LUSHR);
      }
      case 6 -> {
        pushLong(imm);
        mv.visitInsn(LOR);
      }
      default -> {
        pushLong(imm);
        mv.visitInsn(LAND);
      }
    }
  }

  /** (a < b) as 0 or 1, from the two longs on the stack: LCMP's -1 has the top bit set. */
  private void setIfLess() {
    mv.visitInsn(LCMP);
    pushInt(31);
    mv.visitInsn(IUSHR);
    mv.visitInsn(I2L);
  }

  private void opImm32(int f3, int rs1, int imm) {
    loadReg(rs1);
    mv.visitInsn(L2I);
    switch (f3) {
      case 0 -> {
        pushInt(imm);
        mv.visitInsn(IADD);
      }
      case 1 -> {
        pushInt(imm & 0x1f);
        mv.visitInsn(ISHL);
      }
      default -> {
        pushInt(imm & 0x1f);
        mv.visitInsn((imm >>> 10 & 1) != 0 ? ISHR : IUSHR);
      }
    }
    mv.visitInsn(I2L);
  }

  private void op(int f7, int f3, int rs1, int rs2) {
    if (f7 == 1) {
      mulDiv(f3, rs1, rs2);
      return;
    }
    loadReg(rs1);
    if (f3 == 3) {
      flipSign();
    }
    loadReg(rs2);
    switch (f3) {
      case 0 -> mv.visitInsn(f7 == 0 ? LADD : LSUB);
      case 1 -> shift(LSHL);
      case 2 -> setIfLess();
      case 3 -> {
        flipSign();
        setIfLess();
      }
      case 4 -> mv.visitInsn(LXOR);
      case 5 -> shift(f7 == 0 ? LUSHR : LSHR);
      case 6 -> mv.visitInsn(LOR);
      default -> mv.visitInsn(LAND);
    }
  }

  /** The JVM's long shifts take an int amount and use its low 6 bits, as RV64 does. */
  private void shift(int opcode) {
    mv.visitInsn(L2I);
    mv.visitInsn(opcode);
  }

  private void mulDiv(int f3, int rs1, int rs2) {
    switch (f3) {
      case 0 -> {
        loadReg(rs1);
        loadReg(rs2);
        mv.visitInsn(LMUL);
      }
      case 1, 2, 3 -> {
        loadReg(rs1);
        loadReg(rs2);
        mv.visitMethodInsn(INVOKESTATIC, "java/lang/Math", "multiplyHigh", "(JJ)J", false);
        if (f3 == 3) { // MULHU: add b if a < 0
          signMask(rs1, rs2);
        }
        if (f3 != 1) { // MULHSU and MULHU: add a if b < 0
          signMask(rs2, rs1);
        }
      }
      case 4 -> divide(rs1, rs2, false, () -> mv.visitInsn(LDIV));
      case 5 -> divide(rs1, rs2, false, () -> longCall("divideUnsigned"));
      case 6 -> divide(rs1, rs2, true, () -> mv.visitInsn(LREM));
      default -> divide(rs1, rs2, true, () -> longCall("remainderUnsigned"));
    }
  }

  /** Adds ({@code sign} < 0 ? {@code other} : 0) to the long on the stack. */
  private void signMask(int sign, int other) {
    loadReg(sign);
    pushInt(63);
    mv.visitInsn(LSHR);
    loadReg(other);
    mv.visitInsn(LAND);
    mv.visitInsn(LADD);
  }

  private void longCall(String name) {
    mv.visitMethodInsn(INVOKESTATIC, "java/lang/Long", name, "(JJ)J", false);
  }

  /**
   * Division by zero gives -1 (quotients) or the dividend (remainders); the JVM's MIN / -1 is MIN
   * and MIN % -1 is 0, as RISC-V wants.
   */
  private void divide(int rs1, int rs2, boolean remainder, Runnable operation) {
    Label nonZero = new Label();
    Label done = new Label();
    loadReg(rs2);
    mv.visitInsn(LCONST_0);
    mv.visitInsn(LCMP);
    mv.visitJumpInsn(IFNE, nonZero);
    if (remainder) {
      loadReg(rs1);
    } else {
      pushLong(-1);
    }
    mv.visitJumpInsn(GOTO, done);
    mv.visitLabel(nonZero);
    loadReg(rs1);
    loadReg(rs2);
    operation.run();
    mv.visitLabel(done);
  }

  private void op32(int f7, int f3, int rs1, int rs2) {
    if (f7 == 1) {
      mulDiv32(f3, rs1, rs2);
      mv.visitInsn(I2L);
      return;
    }
    loadInt(rs1);
    loadInt(rs2);
    switch (f3) {
      case 0 -> mv.visitInsn(f7 == 0 ? IADD : ISUB);
      case 1 -> mv.visitInsn(ISHL);
      default -> mv.visitInsn(f7 == 0 ? IUSHR : ISHR);
    }
    mv.visitInsn(I2L);
  }

  private void mulDiv32(int f3, int rs1, int rs2) {
    if (f3 == 0) {
      loadInt(rs1);
      loadInt(rs2);
      mv.visitInsn(IMUL);
      return;
    }
    Label nonZero = new Label();
    Label done = new Label();
    loadInt(rs2);
    mv.visitJumpInsn(IFNE, nonZero);
    if (f3 >= 6) {
      loadInt(rs1);
    } else {
      pushInt(-1);
    }
    mv.visitJumpInsn(GOTO, done);
    mv.visitLabel(nonZero);
    loadInt(rs1);
    loadInt(rs2);
    switch (f3) {
      case 4 -> mv.visitInsn(IDIV);
      case 5 -> intCall("divideUnsigned");
      case 6 -> mv.visitInsn(IREM);
      default -> intCall("remainderUnsigned");
    }
    mv.visitLabel(done);
  }

  private void intCall(String name) {
    mv.visitMethodInsn(INVOKESTATIC, "java/lang/Integer", name, "(II)I", false);
  }

  private void loadInt(int r) {
    loadReg(r);
    mv.visitInsn(L2I);
  }

  private void loadReg(int r) {
    if (r == 0) {
      mv.visitInsn(LCONST_0);
    } else {
      mv.visitVarInsn(LLOAD, 2 * r);
    }
  }

  private void storeReg(int r) {
    if (r == 0) {
      mv.visitInsn(POP2);
    } else {
      mv.visitVarInsn(LSTORE, 2 * r);
    }
  }

  private void pushLong(long v) {
    if (v == 0) {
      mv.visitInsn(LCONST_0);
    } else if (v == 1) {
      mv.visitInsn(LCONST_1);
    } else {
      mv.visitLdcInsn(v);
    }
  }

  private void pushInt(int v) {
    if (v >= -1 && v <= 5) {
      mv.visitInsn(ICONST_0 + v);
    } else if (v >= Byte.MIN_VALUE && v <= Byte.MAX_VALUE) {
      mv.visitIntInsn(BIPUSH, v);
    } else if (v >= Short.MIN_VALUE && v <= Short.MAX_VALUE) {
      mv.visitIntInsn(SIPUSH, v);
    } else {
      mv.visitLdcInsn(v);
    }
  }
}
