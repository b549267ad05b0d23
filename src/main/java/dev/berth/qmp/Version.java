package dev.berth.qmp;

/** Berth's version, from the jar manifest; "0.0.0-dev" when run from classes. */
public final class Version {
  private Version() {}

  public static String current() {
    String v = Version.class.getPackage().getImplementationVersion();
    return v == null ? "0.0.0-dev" : v;
  }
}
