package dev.berth.vm;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;

/**
 * Where Berth keeps its files, after the XDG Base Directory specification: VM specs under {@link
 * #config()}, run history under {@link #state()}, sockets and other per-session files under {@link
 * #runtime()}. An XDG variable that is empty or holds a relative path is ignored, as the
 * specification says.
 */
public final class BerthDirs {
  private static final String APP = "berth";

  private final Path config;
  private final Path state;
  private final Path runtime;

  /**
   * @param env the environment ({@code XDG_CONFIG_HOME}, {@code XDG_STATE_HOME}, {@code
   *     XDG_RUNTIME_DIR}, {@code TMPDIR}, {@code USER}, {@code LOGNAME})
   * @param home the user's home directory, for the fallbacks
   */
  public BerthDirs(Map<String, String> env, Path home) {
    this.config = base(env, "XDG_CONFIG_HOME", home.resolve(".config")).resolve(APP);
    this.state = base(env, "XDG_STATE_HOME", home.resolve(".local").resolve("state")).resolve(APP);
    Path xdgRuntime = absolute(env.get("XDG_RUNTIME_DIR"));
    if (xdgRuntime != null) {
      this.runtime = xdgRuntime.resolve(APP);
    } else {
      Path tmp = absolute(env.get("TMPDIR"));
      this.runtime = (tmp != null ? tmp : Path.of("/tmp")).resolve(APP + "-" + user(env));
    }
  }

  public static BerthDirs fromSystem() {
    // $HOME first, as the XDG spec says; user.home comes from the password database instead.
    String home = System.getenv("HOME");
    Path dir =
        home != null && !home.isEmpty() && Path.of(home).isAbsolute()
            ? Path.of(home)
            : Path.of(System.getProperty("user.home"));
    return new BerthDirs(System.getenv(), dir);
  }

  /** {@code $XDG_CONFIG_HOME/berth}, else {@code ~/.config/berth}. Not created here. */
  public Path config() {
    return config;
  }

  /** {@code $XDG_STATE_HOME/berth}, else {@code ~/.local/state/berth}. Not created here. */
  public Path state() {
    return state;
  }

  /**
   * {@code $XDG_RUNTIME_DIR/berth}, else {@code berth-<user>} in {@code $TMPDIR} or {@code /tmp}.
   * Not created here: see {@link #createRuntime()}.
   */
  public Path runtime() {
    return runtime;
  }

  /**
   * Creates {@link #runtime()} with mode 0700 if it is missing and returns it. An existing one must
   * be a real directory (not a symbolic link) owned by this user; its mode is tightened to 0700.
   * This matters for the shared {@code /tmp} fallback, where anyone could have made the directory
   * first.
   *
   * @throws IOException if the directory cannot be created or is not safe to use
   */
  public Path createRuntime() throws IOException {
    return PrivateFiles.directory(runtime);
  }

  private static Path base(Map<String, String> env, String variable, Path fallback) {
    Path p = absolute(env.get(variable));
    return p != null ? p : fallback;
  }

  /** The value as a path if it is a non-empty absolute path, else null. */
  private static Path absolute(String value) {
    if (value == null || value.isEmpty()) {
      return null;
    }
    try {
      Path p = Path.of(value);
      return p.isAbsolute() ? p : null;
    } catch (java.nio.file.InvalidPathException e) {
      return null;
    }
  }

  private static String user(Map<String, String> env) {
    String user = env.get("USER");
    if (user == null || user.isEmpty()) {
      user = env.get("LOGNAME");
    }
    if (user == null || user.isEmpty()) {
      user = System.getProperty("user.name", "");
    }
    String safe = user.replaceAll("[^A-Za-z0-9._-]", "_");
    return safe.isEmpty() ? "unknown" : safe;
  }
}
