package dev.berth.core.cpu;

/** Privilege levels as encoded in mstatus.MPP and the CSR address bits [9:8]. */
public final class Priv {
  private Priv() {}

  public static final int U = 0;
  public static final int S = 1;
  public static final int M = 3;

  public static String name(int priv) {
    return switch (priv) {
      case U -> "U";
      case S -> "S";
      case M -> "M";
      default -> "?";
    };
  }
}
