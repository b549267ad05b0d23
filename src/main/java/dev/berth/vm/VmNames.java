package dev.berth.vm;

import java.util.regex.Pattern;

/**
 * The rule for VM names. A name is also a file name ({@code <name>.json}, {@code <name>.jsonl}), so
 * the rule keeps it to a safe portable set: 1–64 characters of {@code [A-Za-z0-9._-]}, not starting
 * with '.' or '-'.
 */
public final class VmNames {
  public static final int MAX_LENGTH = 64;
  private static final Pattern ALLOWED = Pattern.compile("[A-Za-z0-9._-]+");

  private VmNames() {}

  /** What is wrong with {@code name} as a VM name, in words for a user; null if nothing. */
  public static String problem(String name) {
    if (name == null || name.isEmpty()) {
      return "Enter a name";
    }
    if (name.length() > MAX_LENGTH) {
      return "Use at most " + MAX_LENGTH + " characters (this is " + name.length() + ")";
    }
    if (!ALLOWED.matcher(name).matches()) {
      return "Use only letters, digits, '.', '_' and '-'";
    }
    if (name.startsWith(".") || name.startsWith("-")) {
      return "Do not start the name with '.' or '-'";
    }
    return null;
  }

  public static boolean isValid(String name) {
    return problem(name) == null;
  }

  /** Throws {@link IllegalArgumentException} unless {@code name} is a valid VM name. */
  static String require(String name) {
    String problem = problem(name);
    if (problem != null) {
      throw new IllegalArgumentException("invalid VM name \"" + name + "\": " + problem);
    }
    return name;
  }
}
