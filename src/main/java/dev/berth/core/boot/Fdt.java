package dev.berth.core.boot;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;

/**
 * Writes a flattened device tree blob (DTB, version 17), as the devicetree specification defines
 * it: a header, an empty memory reservation map, the structure block and the strings.
 */
public final class Fdt {
  private static final int FDT_BEGIN_NODE = 1, FDT_END_NODE = 2, FDT_PROP = 3, FDT_END = 9;
  private static final int MAGIC = 0xd00dfeed;

  private final ByteArrayOutputStream struct = new ByteArrayOutputStream();
  private final ByteArrayOutputStream strings = new ByteArrayOutputStream();
  private final Map<String, Integer> stringOffsets = new HashMap<>();
  private int depth;

  public Fdt begin(String name) {
    word(FDT_BEGIN_NODE);
    bytesPadded(nulTerminated(name));
    depth++;
    return this;
  }

  public Fdt end() {
    word(FDT_END_NODE);
    depth--;
    return this;
  }

  public Fdt prop(String name, byte[] value) {
    word(FDT_PROP);
    word(value.length);
    word(stringOffset(name));
    bytesPadded(value);
    return this;
  }

  public Fdt empty(String name) {
    return prop(name, new byte[0]);
  }

  public Fdt u32(String name, int... cells) {
    ByteBuffer b = ByteBuffer.allocate(4 * cells.length);
    for (int c : cells) {
      b.putInt(c);
    }
    return prop(name, b.array());
  }

  public Fdt u64(String name, long value) {
    return prop(name, ByteBuffer.allocate(8).putLong(value).array());
  }

  /** A (#address-cells=2, #size-cells=2) reg property. */
  public Fdt reg(long address, long size) {
    return prop("reg", ByteBuffer.allocate(16).putLong(address).putLong(size).array());
  }

  public Fdt string(String name, String... values) {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    for (String v : values) {
      b.writeBytes(nulTerminated(v));
    }
    return prop(name, b.toByteArray());
  }

  public byte[] finish() {
    if (depth != 0) {
      throw new IllegalStateException("unbalanced device tree nodes");
    }
    word(FDT_END);
    byte[] s = struct.toByteArray();
    byte[] str = strings.toByteArray();
    int headerSize = 40;
    int rsvOffset = headerSize;
    int structOffset = rsvOffset + 16;
    int stringsOffset = structOffset + s.length;
    int total = stringsOffset + str.length;
    ByteBuffer out = ByteBuffer.allocate((total + 7) & ~7);
    out.putInt(MAGIC).putInt(out.capacity()).putInt(structOffset).putInt(stringsOffset);
    out.putInt(rsvOffset).putInt(17).putInt(16).putInt(0).putInt(str.length).putInt(s.length);
    out.putLong(0).putLong(0);
    out.put(s).put(str);
    return out.array();
  }

  private int stringOffset(String name) {
    return stringOffsets.computeIfAbsent(
        name,
        n -> {
          int off = strings.size();
          strings.writeBytes(nulTerminated(n));
          return off;
        });
  }

  private static byte[] nulTerminated(String s) {
    byte[] raw = s.getBytes(StandardCharsets.UTF_8);
    byte[] b = new byte[raw.length + 1];
    System.arraycopy(raw, 0, b, 0, raw.length);
    return b;
  }

  private void word(int v) {
    struct.writeBytes(ByteBuffer.allocate(4).putInt(v).array());
  }

  private void bytesPadded(byte[] b) {
    struct.writeBytes(b);
    for (int i = b.length; (i & 3) != 0; i++) {
      struct.write(0);
    }
  }
}
