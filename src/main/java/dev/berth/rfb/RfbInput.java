package dev.berth.rfb;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ReadableByteChannel;

/** Buffered big-endian reads from a channel, as RFB's wire format has them. */
final class RfbInput {
  private final ReadableByteChannel channel;
  private final ByteBuffer buf = ByteBuffer.allocate(64 * 1024).flip();

  RfbInput(ReadableByteChannel channel) {
    this.channel = channel;
  }

  private void need(int n) throws IOException {
    if (buf.remaining() >= n) {
      return;
    }
    buf.compact();
    try {
      while (buf.position() < n) {
        if (channel.read(buf) < 0) {
          throw new RfbException("the VNC server closed the connection");
        }
      }
    } finally {
      buf.flip();
    }
  }

  int u8() throws IOException {
    need(1);
    return buf.get() & 0xff;
  }

  int u16() throws IOException {
    need(2);
    return buf.getShort() & 0xffff;
  }

  int s32() throws IOException {
    need(4);
    return buf.getInt();
  }

  long u32() throws IOException {
    return s32() & 0xffff_ffffL;
  }

  void bytes(byte[] into, int off, int len) throws IOException {
    while (len > 0) {
      need(1);
      int n = Math.min(len, buf.remaining());
      buf.get(into, off, n);
      off += n;
      len -= n;
    }
  }

  void skip(long len) throws IOException {
    while (len > 0) {
      need(1);
      int n = (int) Math.min(len, buf.remaining());
      buf.position(buf.position() + n);
      len -= n;
    }
  }

  /** A length-prefixed string (u32 length, then UTF-8), refusing one longer than {@code max}. */
  String string(int max) throws IOException {
    long len = u32();
    if (len > max) {
      throw new RfbException("the VNC server sent a string of " + len + " bytes");
    }
    byte[] b = new byte[(int) len];
    bytes(b, 0, b.length);
    return new String(b, java.nio.charset.StandardCharsets.UTF_8);
  }
}
