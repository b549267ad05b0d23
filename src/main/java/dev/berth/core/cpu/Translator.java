package dev.berth.core.cpu;

import dev.berth.core.bus.Ram;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.util.Arrays;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

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
  private static final int JCACHE_BITS = 14, JCACHE_MASK = (1 << JCACHE_BITS) - 1;
  private static final int HASH_BITS = 16, HASH_MASK = (1 << HASH_BITS) - 1;
  private static final int HOT_BITS = 14, HOT_MASK = (1 << HOT_BITS) - 1;

  /** Longest unit, in guest instructions; a unit whose method gets too big is halved. */
  static final int MAX_INSTRUCTIONS = 32;

  private final int threshold = Integer.getInteger("berth.jit.threshold", 5000);
  private final int maxUnits = Integer.getInteger("berth.jit.units", 24_000);
  private final int maxEntries = 4 * maxUnits;

  /**
   * With {@code -Dberth.jit.async=true} translation runs on this thread (shared by every machine, a
   * daemon) and the worker interprets on meanwhile instead of waiting for ASM and class definition.
   * Off by default: on two busy cores the thread got too little time to help.
   */
  private static final ExecutorService BACKGROUND =
      Executors.newSingleThreadExecutor(
          r -> {
            Thread t = new Thread(r, "berth-jit");
            t.setDaemon(true);
            return t;
          });

  private final boolean async = Boolean.getBoolean("berth.jit.async");
  private final Queue<Done> done = new ConcurrentLinkedQueue<>();

  /** A translation made in the background, for the placeholder it replaces. */
  private record Done(Unit placeholder, byte[] code, Unit unit, long nanos) {}

  private final Hart hart;
  private final DecodedPages decoded;
  private final Ram ram;
  private final byte[] bytes;
  private final long ramBase;
  private final Unit[] pages;
  private final Unit[] jcache = new Unit[1 << JCACHE_BITS];

  /** Jump-cache slots filled since it was last emptied, so emptying it costs what was filled. */
  private final int[] jcacheLog = new int[512];

  private int jfills;
  private final Unit[] hash = new Unit[1 << HASH_BITS];
  private final int[] hot = new int[1 << HOT_BITS];
  private final UnitCompiler compiler = new UnitCompiler();
  private final MethodHandles.Lookup lookup = MethodHandles.lookup();

  private int entries; // cold entries and units
  private int liveUnits;
  private long liveBytes;
  private long translated, translatedInstructions, discarded, flushes, nanos, mappingChanges;
  private long reused;

  Translator(Hart hart, Ram ram, DecodedPages decoded) {
    this.hart = hart;
    this.decoded = decoded;
    decoded.setTranslator(this);
    this.ram = ram;
    this.bytes = ram.bytes;
    this.ramBase = ram.base;
    this.pages = new Unit[(ram.size() + 0xfff) >>> 12];
    ram.addCodeWatcher(Ram.TRANSLATED, this);
  }

  String statistics() {
    return String.format(
        "units translated %d (%d instructions, %.1f ms, %d classes reused), live %d (%d KiB of"
            + " class files),"
            + " discarded by writes %d, cache flushes %d, satp writes and SFENCE.VMAs %d",
        translated,
        translatedInstructions,
        nanos / 1e6,
        reused,
        liveUnits,
        liveBytes >> 10,
        discarded,
        flushes,
        mappingChanges);
  }

  /**
   * For the interpreter at a jump target: true if the dispatcher should look at {@code pc} (a unit
   * is there, or it just became hot). Counting entries costs one array increment.
   */
  boolean wants(long pc, int priv) {
    Unit u = jcache[(int) (pc >>> 1) & JCACHE_MASK];
    if (u != null && u.va == pc && u.priv == priv && u.valid) {
      return true; // a unit, or an instruction after which one may start
    }
    return known(pc, priv) != null || ++hot[hotSlot(pc)] >= threshold;
  }

  /**
   * The unit to run at {@code pc}; an empty one if the instruction there is left to the interpreter
   * (or still being translated); null if the code is cold.
   */
  Unit lookup(long pc, int priv) {
    Unit u = jcache[(int) (pc >>> 1) & JCACHE_MASK];
    if (u == null || u.va != pc || u.priv != priv || !u.valid) {
      u = known(pc, priv);
      if (u != null) {
        return u;
      }
      int h = hotSlot(pc);
      if (hot[h] < threshold && ++hot[h] < threshold) {
        return null;
      }
      hot[h] = 0;
      u = make(pc, priv);
      if (u == null) {
        return null;
      }
    }
    return u;
  }

  /**
   * The unit already made for {@code pc}, found by its physical address (through the fetch TLB),
   * and put back in the jump cache; null if there is none. The jump cache is emptied at every satp
   * write and SFENCE.VMA (a booting Linux does that thousands of times): without this, code that
   * was translated long ago went back to the interpreter until it had been entered {@code
   * threshold} times again.
   */
  private Unit known(long pc, int priv) {
    long off = hart.fetchOffset(pc);
    if (off < 0) {
      return null;
    }
    long pa = ramBase + off;
    Unit u = hash[hashOf(pa)];
    while (u != null && (u.pa != pa || u.va != pc)) {
      u = u.nextInHash;
    }
    if (u != null) {
      remember(u, pc, priv);
    }
    return u;
  }

  /** Puts {@code u} in the jump cache for {@code pc} in privilege {@code priv}. */
  private void remember(Unit u, long pc, int priv) {
    u.priv = priv;
    int slot = (int) (pc >>> 1) & JCACHE_MASK;
    jcache[slot] = u;
    if (jfills < jcacheLog.length) {
      jcacheLog[jfills] = slot;
    }
    jfills++;
  }

  private static int hotSlot(long pc) {
    return (int) ((pc >>> 1) ^ (pc >>> 15)) & HOT_MASK;
  }

  /**
   * A new unit for {@code pc}, which has none ({@link #known} found none): an empty one if nothing
   * there can be translated; null if the fetch faults or is not from RAM.
   */
  private Unit make(long pc, int priv) {
    long off = hart.fetchOffset(pc);
    if (off < 0) {
      return null; // the interpreter takes the fetch fault, or fetches from a device
    }
    long pa = ramBase + off;
    if (liveUnits >= maxUnits || entries >= maxEntries) {
      flushAll(); // the code cache is full: start again
    }
    int start = (int) off;
    int end = (start | 0xfff) + 1; // forward JALs are followed to the end of the page
    Unit u;
    if (async) {
      // The guest runs on meanwhile: the translation works on a copy, checked at install.
      byte[] code = Arrays.copyOfRange(bytes, start, end);
      Unit placeholder = new Unit.Empty();
      placeholder.pending = true;
      placeholder.va = pc;
      placeholder.pa = pa;
      link(placeholder);
      BACKGROUND.execute(
          () -> {
            long t0 = System.nanoTime();
            Unit made = translate(code, 0, code.length, pc);
            done.add(new Done(placeholder, code, made, System.nanoTime() - t0));
          });
      u = placeholder;
    } else {
      long t0 = System.nanoTime();
      u = translate(bytes, start, end, pc);
      nanos += System.nanoTime() - t0;
      install(u, pc, pa);
      if (u.fallsThrough) {
        // Straight code goes on where this unit stops (a long unrolled function): the next
        // unit is made the first time this one leads there, not after threshold more entries.
        int h = hotSlot(pc + u.length);
        hot[h] = Math.max(hot[h], threshold - 1);
      }
    }
    remember(u, pc, priv);
    return u;
  }

  /** Translations made in the background since the last call go in (on the worker thread). */
  void installTranslations() {
    Done d;
    while ((d = done.poll()) != null) {
      Unit p = d.placeholder;
      nanos += d.nanos;
      if (!p.valid) {
        continue; // flushed or discarded meanwhile
      }
      p.valid = false;
      unlink(p);
      int off = (int) (p.pa - ramBase);
      Unit u = d.unit;
      if (Arrays.equals(bytes, off, off + u.length, d.code, 0, u.length)) {
        install(u, p.va, p.pa);
      } // else the code changed under the translation: the next entry makes a new one
    }
  }

  private void install(Unit u, long va, long pa) {
    u.va = va;
    u.pa = pa;
    link(u);
    if (!u.empty) {
      int off = (int) (pa - ramBase);
      liveUnits++;
      liveBytes += u.classBytes;
      translated++;
      translatedInstructions += u.instructions;
      if (!ram.isCode(off)) {
        hart.flushWriteTlb(); // stores to this page must now take the slow path
      }
      ram.markCode(Ram.TRANSLATED, off);
    }
  }

  private static int hashOf(long pa) {
    return (int) ((pa >>> 1) ^ (pa >>> 17)) & HASH_MASK;
  }

  /** True if a unit (or an empty one) starts at RAM offset {@code off}, for any pc. */
  boolean hasUnit(int off) {
    long pa = ramBase + off;
    for (Unit u = hash[hashOf(pa)]; u != null; u = u.nextInHash) {
      if (u.pa == pa) {
        return true;
      }
    }
    return false;
  }

  /**
   * For the interpreter at a jump target with no unit: counts the entry; true once the code there
   * is hot (the dispatcher then makes its unit).
   */
  boolean hot(long pc) {
    return ++hot[hotSlot(pc)] >= threshold;
  }

  private void link(Unit u) {
    decoded.unitMade((int) (u.pa - ramBase));
    int page = (int) ((u.pa - ramBase) >>> 12);
    u.nextInPage = pages[page];
    pages[page] = u;
    int h = hashOf(u.pa);
    u.nextInHash = hash[h];
    hash[h] = u;
    entries++;
  }

  /** Takes {@code gone} out of its page list and hash chain. */
  private void unlink(Unit gone) {
    decoded.unitGone((int) (gone.pa - ramBase));
    int page = (int) ((gone.pa - ramBase) >>> 12);
    pages[page] = without(pages[page], gone, true);
    int h = hashOf(gone.pa);
    hash[h] = without(hash[h], gone, false);
    entries--;
  }

  private static Unit without(Unit head, Unit gone, boolean pageList) {
    if (head == gone) {
      return pageList ? gone.nextInPage : gone.nextInHash;
    }
    for (Unit u = head; u != null; u = pageList ? u.nextInPage : u.nextInHash) {
      Unit next = pageList ? u.nextInPage : u.nextInHash;
      if (next == gone) {
        if (pageList) {
          u.nextInPage = gone.nextInPage;
        } else {
          u.nextInHash = gone.nextInHash;
        }
        break;
      }
    }
    return head;
  }

  /** A unit for the code in {@code bytes[off, end)}, an empty one if none can be made. */
  private Unit translate(byte[] bytes, int off, int end, long pc) {
    int length = compiler.decode(bytes, off, end, pc);
    if (length == 0) {
      return new Unit.Empty();
    }
    Source source = new Source(pc, Arrays.copyOfRange(bytes, off, off + length));
    Shape shape = SHARED.get(source);
    if (shape == null) {
      shape = define(compiler.compile(), pc);
      if (SHARED.size() >= SHARED_LIMIT) {
        SHARED.clear(); // its classes become unloadable once no machine runs them
      }
      SHARED.put(source, shape);
    } else {
      reused++;
    }
    Unit u;
    try {
      u = (Unit) shape.constructor.invoke();
    } catch (Throwable e) {
      throw new IllegalStateException("translated unit at 0x" + Long.toHexString(pc), e);
    }
    u.instructions = shape.code.instructions();
    u.length = shape.code.length();
    u.classBytes = shape.code.classFile().length;
    u.fallsThrough = shape.code.fallsThrough();
    return u;
  }

  private Shape define(UnitCompiler.Code code, long pc) {
    try {
      MethodHandles.Lookup unitClass = lookup.defineHiddenClass(code.classFile(), true);
      MethodHandle constructor =
          unitClass.findConstructor(unitClass.lookupClass(), MethodType.methodType(void.class));
      return new Shape(code, constructor);
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException("translated unit at 0x" + Long.toHexString(pc), e);
    }
  }

  /** The guest code a unit class was made from: its address and bytes. */
  private record Source(long pc, byte[] bytes) {
    @Override
    public boolean equals(Object o) {
      return o instanceof Source s && s.pc == pc && Arrays.equals(s.bytes, bytes);
    }

    @Override
    public int hashCode() {
      return Long.hashCode(pc) * 31 + Arrays.hashCode(bytes);
    }

    @Override
    public String toString() {
      return String.format("0x%x+%d", pc, bytes.length);
    }
  }

  /** A unit class and what it holds; each machine makes its own instances. */
  private record Shape(UnitCompiler.Code code, MethodHandle constructor) {}

  /**
   * Unit classes by the code they were made from, shared by every machine in this JVM: a machine
   * that runs the same code again (a reset, a second run, another VM of the same guest) gets a
   * class HotSpot may have compiled already instead of making and warming up a new one. Bounded:
   * past the limit it is emptied.
   */
  private static final Map<Source, Shape> SHARED = new ConcurrentHashMap<>();

  private static final int SHARED_LIMIT = 16_384;

  /** The mapping of virtual page {@code vpn} may have changed: its pcs are looked up again. */
  void mappingChanged(long vpn) {
    mappingChanges++;
    if (jfills <= jcacheLog.length) {
      // fewer slots were filled than the page has: look at those
      for (int k = 0; k < jfills; k++) {
        Unit u = jcache[jcacheLog[k]];
        if (u != null && u.va >>> 12 == vpn) {
          jcache[jcacheLog[k]] = null;
        }
      }
      return;
    }
    int first = (int) (vpn << 11) & JCACHE_MASK; // the 2048 slots of the page's halfwords
    for (int k = 0; k < 2048; k++) {
      int slot = (first + k) & JCACHE_MASK;
      Unit u = jcache[slot];
      if (u != null && u.va >>> 12 == vpn) {
        jcache[slot] = null;
      }
    }
  }

  /** Mappings may have changed: virtual pcs must be looked up again. */
  void mappingsChanged() {
    mappingChanges++;
    if (jfills > jcacheLog.length) {
      Arrays.fill(jcache, null);
    } else {
      for (int k = 0; k < jfills; k++) {
        jcache[jcacheLog[k]] = null;
      }
    }
    jfills = 0;
  }

  /** Drops every unit (reset, or the code cache is full). */
  void flushAll() {
    for (Unit head : pages) {
      for (Unit u = head; u != null; u = u.nextInPage) {
        u.valid = false;
      }
    }
    Arrays.fill(pages, null);
    Arrays.fill(hash, null);
    Arrays.fill(jcache, null);
    jfills = 0;
    ram.clearCodeMarks(Ram.TRANSLATED);
    decoded.unitsGone();
    entries = 0;
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
    boolean gone = false;
    boolean left = false;
    for (Unit u = pages[page]; u != null; ) {
      Unit next = u.nextInPage;
      if (!u.empty && (u.pa >= to || u.pa + u.length <= from)) {
        left = true;
      } else {
        u.valid = false;
        unlink(u);
        if (!u.empty) {
          liveUnits--;
          liveBytes -= u.classBytes;
          discarded++;
          gone = true;
        }
      }
      u = next;
    }
    if (gone) {
      hart.codeDiscarded();
    }
    return left;
  }
}
