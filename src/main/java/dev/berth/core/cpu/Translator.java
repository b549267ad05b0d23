package dev.berth.core.cpu;

import dev.berth.core.bus.Ram;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.util.Arrays;

/**
 * The translating tier: finds the unit for a pc, counts how often untranslated code is entered and
 * translates it once it is hot, and discards translations whose code was written.
 *
 * <p>Units are kept per physical page (a list per RAM page) and found through a direct-mapped jump
 * cache keyed by virtual pc; the jump cache is cleared whenever mappings may change (satp,
 * SFENCE.VMA). The page holding a unit's code is marked in {@link Ram}: a store or DMA there
 * discards every unit of the page. The code cache is bounded by a number of units: past it,
 * everything is dropped and the hidden classes become unloadable.
 */
final class Translator implements Ram.CodeWatcher {
  private static final int JCACHE_BITS = 12, JCACHE_MASK = (1 << JCACHE_BITS) - 1;
  private static final int HOT_BITS = 12, HOT_MASK = (1 << HOT_BITS) - 1;

  /** Longest unit, in guest instructions; a unit whose method gets too big is halved. */
  static final int MAX_INSTRUCTIONS = 160;

  private final int threshold = Integer.getInteger("berth.jit.threshold", 24);
  private final int maxUnits = Integer.getInteger("berth.jit.units", 24_000);

  private final Hart hart;
  private final Ram ram;
  private final byte[] bytes;
  private final long ramBase;
  private final Unit[] pages;
  private final Unit[] jcache = new Unit[1 << JCACHE_BITS];
  private final int[] hot = new int[1 << HOT_BITS];
  private final UnitCompiler compiler = new UnitCompiler();
  private final MethodHandles.Lookup lookup = MethodHandles.lookup();

  private int liveUnits;
  private long liveBytes;
  private long translated, translatedInstructions, discarded, flushes, nanos;

  Translator(Hart hart, Ram ram) {
    this.hart = hart;
    this.ram = ram;
    this.bytes = ram.bytes;
    this.ramBase = ram.base;
    this.pages = new Unit[(ram.size() + 0xfff) >>> 12];
    ram.setCodeWatcher(this);
  }

  String statistics() {
    return String.format(
        "units translated %d (%d instructions, %.1f ms), live %d (%d KiB of class files),"
            + " discarded by writes %d, cache flushes %d",
        translated,
        translatedInstructions,
        nanos / 1e6,
        liveUnits,
        liveBytes >> 10,
        discarded,
        flushes);
  }

  /** The unit to run at {@code pc}, or null to interpret (cold, or nothing translatable). */
  Unit lookup(long pc, int priv) {
    Unit u = jcache[(int) (pc >>> 1) & JCACHE_MASK];
    if (u != null && u.va == pc && u.priv == priv && u.valid) {
      return u.empty ? null : u;
    }
    return find(pc, priv);
  }

  private Unit find(long pc, int priv) {
    long pa;
    try {
      pa = hart.translateFetch(pc);
    } catch (Trap t) {
      return null; // the interpreter takes the fetch fault
    }
    long off = pa - ramBase;
    if (off < 0 || off >= bytes.length) {
      return null;
    }
    int page = (int) (off >>> 12);
    for (Unit u = pages[page]; u != null; u = u.nextInPage) {
      if (u.pa == pa && u.va == pc) {
        return enter(u, pc, priv);
      }
    }
    int h = (int) ((pc >>> 1) ^ (pc >>> 13)) & HOT_MASK;
    if (++hot[h] < threshold) {
      return null;
    }
    hot[h] = 0;
    if (liveUnits >= maxUnits) {
      flushAll();
    }
    long t0 = System.nanoTime();
    Unit u = translate(pc, (int) off);
    nanos += System.nanoTime() - t0;
    u.va = pc;
    u.pa = pa;
    u.nextInPage = pages[page];
    pages[page] = u;
    if (!u.empty) {
      liveUnits++;
      liveBytes += u.classBytes;
      translated++;
      translatedInstructions += u.instructions;
      if (!ram.isCode((int) off)) {
        ram.markCode((int) off);
        hart.flushWriteTlb(); // stores to this page must now take the slow path
      }
    }
    return enter(u, pc, priv);
  }

  private Unit enter(Unit u, long pc, int priv) {
    u.priv = priv;
    jcache[(int) (pc >>> 1) & JCACHE_MASK] = u;
    return u.empty ? null : u;
  }

  private Unit translate(long pc, int off) {
    UnitCompiler.Code code = compiler.compile(bytes, off, pc, MAX_INSTRUCTIONS);
    if (code == null) {
      return new Unit.Empty();
    }
    Unit u;
    try {
      MethodHandles.Lookup unitClass = lookup.defineHiddenClass(code.classFile(), true);
      u =
          (Unit)
              unitClass
                  .findConstructor(unitClass.lookupClass(), MethodType.methodType(void.class))
                  .invoke();
    } catch (Throwable e) {
      throw new IllegalStateException("translated unit at 0x" + Long.toHexString(pc), e);
    }
    u.instructions = code.instructions();
    u.length = code.length();
    u.classBytes = code.classFile().length;
    return u;
  }

  /** Mappings may have changed: virtual pcs must be looked up again. */
  void mappingsChanged() {
    Arrays.fill(jcache, null);
  }

  /** Drops every unit (reset, or the code cache is full). */
  void flushAll() {
    for (Unit head : pages) {
      for (Unit u = head; u != null; u = u.nextInPage) {
        u.valid = false;
      }
    }
    Arrays.fill(pages, null);
    Arrays.fill(jcache, null);
    ram.clearCodeMarks();
    liveUnits = 0;
    liveBytes = 0;
    flushes++;
  }

  /**
   * Discards the units of {@code page} whose code overlaps the written bytes (data sharing a page
   * with code costs a slow store, not the code); empty units of the page go too.
   */
  @Override
  public boolean codeWritten(int page, int off, int len) {
    long from = ramBase + off;
    long to = from + len;
    Unit keep = null;
    boolean gone = false;
    for (Unit u = pages[page]; u != null; ) {
      Unit next = u.nextInPage;
      if (!u.empty && (u.pa >= to || u.pa + u.length <= from)) {
        u.nextInPage = keep;
        keep = u;
      } else {
        u.valid = false;
        if (!u.empty) {
          liveUnits--;
          liveBytes -= u.classBytes;
          discarded++;
          gone = true;
        }
      }
      u = next;
    }
    pages[page] = keep;
    if (gone) {
      hart.codeDiscarded();
    }
    return keep != null;
  }
}
