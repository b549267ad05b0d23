package dev.berth.rfb;

import java.io.IOException;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;

/**
 * ZRLE (RFC 6143 §7.7.6) for the pixel format Berth asks for, where a compressed pixel is three
 * bytes: blue, green, red. One zlib stream runs through the whole connection; the server flushes it
 * at the end of each rectangle, so a rectangle's bytes inflate completely on their own.
 */
final class ZrleDecoder {
  private static final int TILE = 64;

  private final Inflater inflater = new Inflater();
  private byte[] compressed = new byte[0];
  private byte[] data = new byte[64 * 1024];
  private int pos;
  private int end;
  private final int[] palette = new int[127];

  /** Reads one ZRLE rectangle and draws it into {@code pixels} (row length {@code stride}). */
  void decode(RfbInput in, int[] pixels, int stride, int x, int y, int w, int h)
      throws IOException {
    long len = in.u32();
    long limit = limit(w, h);
    // zlib never grows data by more than its stored blocks' 5 bytes in 64 KiB, plus a header.
    if (len > limit + limit / 1024 + 64) {
      throw new RfbException("the VNC server sent a ZRLE rectangle of " + len + " bytes");
    }
    if (compressed.length < len) {
      compressed = new byte[(int) len];
    }
    in.bytes(compressed, 0, (int) len);
    inflate((int) len, limit);
    for (int ty = y; ty < y + h; ty += TILE) {
      int th = Math.min(TILE, y + h - ty);
      for (int tx = x; tx < x + w; tx += TILE) {
        tile(pixels, stride, tx, ty, Math.min(TILE, x + w - tx), th);
      }
    }
  }

  /** The most a correct encoder can produce for the rectangle: plain RLE of single pixels. */
  private static long limit(int w, int h) {
    long tiles = (long) ((w + TILE - 1) / TILE) * ((h + TILE - 1) / TILE);
    return (long) w * h * 4 + tiles * (1 + 127 * 3);
  }

  private void inflate(int len, long limit) throws IOException {
    inflater.setInput(compressed, 0, len);
    pos = 0;
    end = 0;
    try {
      while (true) {
        if (end == data.length) {
          if (end >= limit) {
            throw new RfbException("the VNC server's ZRLE data is larger than its rectangle");
          }
          data = java.util.Arrays.copyOf(data, (int) Math.min(limit + 1, 2L * data.length));
        }
        int n = inflater.inflate(data, end, data.length - end);
        end += n;
        if (n == 0 && end < data.length) {
          if (inflater.needsInput()) {
            return;
          }
          throw new RfbException("the VNC server's ZRLE stream ended or needs a dictionary");
        }
      }
    } catch (DataFormatException e) {
      throw new RfbException("the VNC server sent corrupt ZRLE data", e);
    }
  }

  private int u8() throws RfbException {
    if (pos >= end) {
      throw new RfbException("a ZRLE rectangle from the VNC server ended early");
    }
    return data[pos++] & 0xff;
  }

  private int cpixel() throws RfbException {
    int b = u8();
    int g = u8();
    return u8() << 16 | g << 8 | b;
  }

  private int runLength() throws RfbException {
    int len = 1;
    int b;
    do {
      b = u8();
      len += b;
    } while (b == 255);
    return len;
  }

  private void readPalette(int size) throws RfbException {
    for (int i = 0; i < size; i++) {
      palette[i] = cpixel();
    }
  }

  private void tile(int[] px, int stride, int tx, int ty, int tw, int th) throws RfbException {
    int sub = u8();
    int count = tw * th;
    if (sub == 0) {
      for (int i = 0; i < count; i++) {
        px[(ty + i / tw) * stride + tx + i % tw] = cpixel();
      }
    } else if (sub == 1) {
      fill(px, stride, tx, ty, tw, 0, count, cpixel());
    } else if (sub <= 16) {
      readPalette(sub);
      int bits = sub == 2 ? 1 : sub <= 4 ? 2 : 4;
      for (int row = 0; row < th; row++) {
        int have = 0;
        int acc = 0;
        for (int col = 0; col < tw; col++) {
          if (have == 0) {
            acc = u8();
            have = 8;
          }
          have -= bits;
          int index = acc >>> have & (1 << bits) - 1;
          px[(ty + row) * stride + tx + col] = paletteEntry(index, sub);
        }
      }
    } else if (sub == 128) {
      for (int i = 0; i < count; ) {
        int colour = cpixel();
        int run = runLength();
        checkRun(i, run, count);
        fill(px, stride, tx, ty, tw, i, run, colour);
        i += run;
      }
    } else if (sub >= 130) {
      readPalette(sub - 128);
      for (int i = 0; i < count; ) {
        int b = u8();
        int colour = paletteEntry(b & 0x7f, sub - 128);
        int run = (b & 0x80) != 0 ? runLength() : 1;
        checkRun(i, run, count);
        fill(px, stride, tx, ty, tw, i, run, colour);
        i += run;
      }
    } else {
      throw new RfbException("the VNC server sent an unknown ZRLE tile type " + sub);
    }
  }

  private int paletteEntry(int index, int size) throws RfbException {
    if (index >= size) {
      throw new RfbException("a ZRLE tile from the VNC server uses a colour it did not define");
    }
    return palette[index];
  }

  private static void checkRun(int at, int run, int count) throws RfbException {
    if (run > count - at) {
      throw new RfbException("a ZRLE run from the VNC server overflows its tile");
    }
  }

  /** Pixels {@code from} to {@code from + n} of a tile {@code tw} wide, in reading order. */
  private static void fill(int[] px, int stride, int tx, int ty, int tw, int from, int n, int c) {
    for (int i = from; i < from + n; i++) {
      px[(ty + i / tw) * stride + tx + i % tw] = c;
    }
  }

  void close() {
    inflater.end();
  }
}
