package dev.berth.app.terminal;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Splits a UTF-8 byte stream into printable characters, C0 controls and escape sequences (ESC, CSI,
 * OSC; DCS/SOS/PM/APC strings are consumed and dropped), after the state machine of the DEC VT500
 * series as described at vt100.net. The parser keeps its state between calls, so any sequence or
 * character may be split across chunks. It never fails: malformed input ends up ignored or as
 * U+FFFD.
 */
final class EscapeParser {
  /** What the parser found; implemented by the screen. */
  interface Actions {
    /** One printable character (never a control). */
    void print(int codepoint);

    /** A run of printable ASCII bytes (0x20–0x7E), the common case, for speed. */
    void printAscii(byte[] b, int from, int to);

    /** A C0 control other than ESC, CAN and SUB. */
    void execute(int control);

    /** {@code ESC [intermediate] final}; intermediate is 0 when there was none. */
    void escDispatch(int intermediate, int finalByte);

    /** A complete CSI sequence; read its parameters from {@code parser}. */
    void csiDispatch(EscapeParser parser, int finalByte);

    /** The text of an OSC string (without its terminator). */
    void oscDispatch(String text);
  }

  static final int MAX_PARAMS = 32;
  private static final int MAX_PARAM_VALUE = 65_535;
  private static final int MAX_OSC = 4096;

  private static final int GROUND = 0;
  private static final int ESCAPE = 1;
  private static final int ESCAPE_INTERMEDIATE = 2;
  private static final int CSI_PARAM = 3;
  private static final int CSI_INTERMEDIATE = 4;
  private static final int CSI_IGNORE = 5;
  private static final int OSC = 6;
  private static final int OSC_ESC = 7;
  private static final int STRING = 8;
  private static final int STRING_ESC = 9;

  private static final int ESC = 0x1B;
  private static final int CAN = 0x18;
  private static final int SUB = 0x1A;
  private static final int BEL = 0x07;

  private final Actions actions;
  private final Utf8Decoder decoder = new Utf8Decoder();
  private int state = GROUND;

  private int intermediate;
  private int prefix;
  private final int[] params = new int[MAX_PARAMS];
  private int paramCount;
  private long subParams;
  private int current;
  private boolean paramSeen;

  private byte[] osc = new byte[64];
  private int oscLength;

  EscapeParser(Actions actions) {
    this.actions = actions;
  }

  /** Back to the ground state, dropping any partial sequence or character. */
  void reset() {
    state = GROUND;
    decoder.reset();
  }

  void feed(byte[] b, int off, int len) {
    int end = off + len;
    int i = off;
    while (i < end) {
      int c = b[i] & 0xff;
      if (state == GROUND && c >= 0x20 && c < 0x7F && !decoder.inSequence()) {
        int j = i + 1;
        while (j < end) {
          int d = b[j];
          if (d < 0x20 || d == 0x7F) { // bytes >= 0x80 are negative
            break;
          }
          j++;
        }
        actions.printAscii(b, i, j);
        i = j;
        continue;
      }
      step(c);
      i++;
    }
  }

  // ---- the CSI parameters of the sequence being dispatched ----

  /** The number of parameters (0 for {@code CSI m}; {@code CSI ;5H} has two). */
  int paramCount() {
    return paramCount;
  }

  /** Parameter {@code i}, or {@code absent} when it was omitted or not given. */
  int param(int i, int absent) {
    return i < paramCount && params[i] >= 0 ? params[i] : absent;
  }

  /** A count parameter: omitted and 0 both mean 1. */
  int count(int i) {
    return Math.max(1, param(i, 1));
  }

  /** True when parameter {@code i} followed a colon (an SGR sub-parameter). */
  boolean isSubParam(int i) {
    return i < paramCount && (subParams & 1L << i) != 0;
  }

  /** The private marker ({@code ? > < =}) or 0. */
  int prefix() {
    return prefix;
  }

  /** The (last) intermediate byte (0x20–0x2F) or 0. */
  int intermediate() {
    return intermediate;
  }

  // ---- the state machine ----

  private void step(int c) {
    switch (state) {
      case GROUND -> ground(c);
      case ESCAPE -> escape(c);
      case ESCAPE_INTERMEDIATE -> escapeIntermediate(c);
      case CSI_PARAM -> csiParam(c);
      case CSI_INTERMEDIATE -> csiIntermediate(c);
      case CSI_IGNORE -> csiIgnore(c);
      case OSC -> osc(c);
      case OSC_ESC -> oscEsc(c);
      case STRING -> string(c);
      case STRING_ESC -> stringEsc(c);
      default -> state = GROUND;
    }
  }

  private void ground(int c) {
    if (c >= 0x80 || decoder.inSequence()) {
      int r = decoder.accept(c);
      if (r == Utf8Decoder.RETRY) {
        actions.print(Utf8Decoder.REPLACEMENT);
        r = decoder.accept(c);
      }
      if (r == Utf8Decoder.NEED_MORE) {
        return;
      }
      if (r >= 0x80) {
        if (r > 0x9F) { // U+0080–U+009F (C1 controls as characters) are dropped
          actions.print(r);
        }
        return;
      }
      c = r; // an ASCII byte that cut a sequence short
    }
    if (c < 0x20) {
      control(c);
    } else if (c != 0x7F) {
      actions.print(c);
    }
  }

  /** A C0 control seen in any state that executes them. */
  private void control(int c) {
    if (c == ESC) {
      enterEscape();
    } else if (c == CAN || c == SUB) {
      state = GROUND;
    } else {
      actions.execute(c);
    }
  }

  private void enterEscape() {
    state = ESCAPE;
    intermediate = 0;
  }

  private void escape(int c) {
    if (c < 0x20) {
      control(c);
    } else if (c < 0x30) {
      intermediate = c;
      state = ESCAPE_INTERMEDIATE;
    } else if (c == '[') {
      enterCsi();
    } else if (c == ']') {
      oscLength = 0;
      state = OSC;
    } else if (c == 'P' || c == 'X' || c == '^' || c == '_') {
      state = STRING;
    } else if (c < 0x7F) {
      state = GROUND;
      actions.escDispatch(0, c);
    } else if (c >= 0x80) {
      state = GROUND;
      ground(c);
    }
  }

  private void escapeIntermediate(int c) {
    if (c < 0x20) {
      control(c);
    } else if (c < 0x30) {
      intermediate = c;
    } else if (c < 0x7F) {
      state = GROUND;
      actions.escDispatch(intermediate, c);
    } else if (c >= 0x80) {
      state = GROUND;
      ground(c);
    }
  }

  private void enterCsi() {
    state = CSI_PARAM;
    intermediate = 0;
    prefix = 0;
    paramCount = 0;
    subParams = 0;
    current = -1;
    paramSeen = false;
  }

  private void csiParam(int c) {
    if (c >= '0' && c <= '9') {
      current = Math.min(MAX_PARAM_VALUE, (current < 0 ? 0 : current * 10) + (c - '0'));
      paramSeen = true;
    } else if (c == ';' || c == ':') {
      pushParam();
      if (c == ':' && paramCount < MAX_PARAMS) {
        subParams |= 1L << paramCount;
      }
      paramSeen = true;
    } else if (c >= 0x3C && c <= 0x3F) {
      if (paramSeen || prefix != 0) {
        state = CSI_IGNORE;
      } else {
        prefix = c;
      }
    } else if (c < 0x20) {
      control(c);
    } else if (c < 0x30) {
      intermediate = c;
      state = CSI_INTERMEDIATE;
    } else if (c < 0x7F) {
      dispatchCsi(c);
    } else if (c >= 0x80) {
      state = CSI_IGNORE;
    }
  }

  private void pushParam() {
    if (paramCount < MAX_PARAMS) {
      params[paramCount++] = current;
    }
    current = -1;
  }

  private void dispatchCsi(int finalByte) {
    if (paramSeen) {
      pushParam();
    }
    state = GROUND;
    actions.csiDispatch(this, finalByte);
  }

  private void csiIntermediate(int c) {
    if (c < 0x20) {
      control(c);
    } else if (c < 0x30) {
      intermediate = c;
    } else if (c < 0x40) {
      state = CSI_IGNORE;
    } else if (c < 0x7F) {
      dispatchCsi(c);
    } else if (c >= 0x80) {
      state = CSI_IGNORE;
    }
  }

  private void csiIgnore(int c) {
    if (c < 0x20) {
      control(c);
    } else if (c >= 0x40 && c < 0x7F) {
      state = GROUND;
    }
  }

  private void osc(int c) {
    if (c == BEL) {
      dispatchOsc();
      state = GROUND;
    } else if (c == ESC) {
      state = OSC_ESC;
    } else if (c == CAN || c == SUB) {
      state = GROUND;
    } else if (c >= 0x20 && oscLength < MAX_OSC) {
      if (oscLength == osc.length) {
        osc = Arrays.copyOf(osc, Math.min(MAX_OSC, osc.length * 2));
      }
      osc[oscLength++] = (byte) c;
    }
  }

  private void oscEsc(int c) {
    dispatchOsc();
    if (c == '\\') {
      state = GROUND;
    } else {
      enterEscape(); // ESC ended the string and starts a new sequence
      escape(c);
    }
  }

  private void dispatchOsc() {
    actions.oscDispatch(new String(osc, 0, oscLength, StandardCharsets.UTF_8));
  }

  private void string(int c) {
    if (c == ESC) {
      state = STRING_ESC;
    } else if (c == BEL || c == CAN || c == SUB) {
      state = GROUND;
    }
  }

  private void stringEsc(int c) {
    if (c == '\\') {
      state = GROUND;
    } else {
      enterEscape();
      escape(c);
    }
  }
}
