package dev.berth.backend.bundled;

import dev.berth.Fuzz;
import dev.berth.Gen;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * However the bytes arrive — one at a time or all at once — the QMP line splitter yields the same
 * lines, reports each overlong one exactly once, and keeps no more than its limit.
 */
class LineBufferProperties {
  private static final int MAX = 16;

  /**
   * Up to 20 printable lines of up to 3× the limit, the chunk sizes (cycled) they arrive in, and
   * whether the last line ends with a newline.
   */
  record Input(List<String> lines, List<Integer> chunks, boolean lastHasNewline) {
    static Input generate(Random r) {
      return new Input(
          Gen.listOf(r, 0, 20, x -> Gen.string(x, 3 * MAX, ' ', '~')),
          Gen.listOf(r, 1, 20, x -> Gen.between(x, 1, 2 * MAX)),
          r.nextBoolean());
    }
  }

  @Test
  void anyChunkingGivesTheSameLines() {
    Fuzz.check(
        "anyChunkingGivesTheSameLines",
        Fuzz.TRIES,
        Input::generate,
        input -> {
          List<String> lines = input.lines();
          List<Integer> chunks = input.chunks();
          boolean lastHasNewline = input.lastHasNewline();
          // No lines is no text (a lone newline would be one empty line).
          String text =
              lines.isEmpty() ? "" : String.join("\n", lines) + (lastHasNewline ? "\n" : "");
          byte[] bytes = text.getBytes(StandardCharsets.US_ASCII);
          List<String> expected = new ArrayList<>();
          for (int i = 0; i < lines.size(); i++) {
            boolean complete = i < lines.size() - 1 || lastHasNewline;
            String line = lines.get(i);
            if (line.length() > MAX) {
              expected.add("OVERLONG");
            } else if (complete) {
              expected.add(line);
            } else if (!line.isEmpty()) {
              expected.add("REST " + line);
            }
          }
          LineBuffer buffer = new LineBuffer(MAX);
          List<String> got = new ArrayList<>();
          int at = 0;
          for (int c = 0; at < bytes.length; c++) {
            int n = Math.min(chunks.get(c % chunks.size()), bytes.length - at);
            ByteBuffer in = ByteBuffer.wrap(bytes, at, n);
            while (in.hasRemaining()) {
              switch (buffer.take(in)) {
                case COMPLETE -> got.add(buffer.text());
                case OVERLONG -> got.add("OVERLONG");
                case PARTIAL -> {}
              }
            }
            at += n;
          }
          String rest = buffer.rest();
          if (rest != null) {
            got.add("REST " + rest);
          }
          if (!got.equals(expected)) {
            throw new AssertionError("expected " + expected + ", got " + got);
          }
        });
  }
}
