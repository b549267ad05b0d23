package dev.berth.vm;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The libvirt hosts the user added ("Connect to host…"), by URI, kept in {@code hosts.json} in the
 * config dir and written whole (temp file, fsync, rename). An unreadable file means no hosts, and
 * is said once in the log: it never keeps the app from starting.
 */
public final class KnownHosts {
  private static final System.Logger LOG = System.getLogger(KnownHosts.class.getName());
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int MAX_BYTES = 256 * 1024;
  private static final int MAX_URI = 1024;
  private static final Pattern SCHEME = Pattern.compile("[a-z][a-z0-9+]*");

  private final Path file;
  private final List<String> uris = new ArrayList<>();

  private KnownHosts(Path file) {
    this.file = file;
  }

  public static KnownHosts load(Path configDir) {
    KnownHosts h = new KnownHosts(configDir.resolve("hosts.json"));
    try {
      byte[] bytes = PrivateFiles.readTail(h.file, MAX_BYTES);
      if (bytes != null) {
        for (JsonNode n : JSON.readTree(bytes).path("hosts")) {
          String uri = n.asText();
          if (problem(uri) == null && !h.uris.contains(uri)) {
            h.uris.add(uri);
          }
        }
      }
    } catch (IOException e) {
      LOG.log(System.Logger.Level.WARNING, h.file + ": unreadable, no hosts loaded", e);
    }
    return h;
  }

  /** The hosts, in the order they were added. */
  public synchronized List<String> uris() {
    return List.copyOf(uris);
  }

  /**
   * Adds {@code uri} (nothing if it is there already) and saves.
   *
   * @throws IllegalArgumentException with one readable line for a URI libvirt would not take
   * @throws IOException if the file cannot be written; the list is as it was
   */
  public synchronized boolean add(String uri) throws IOException {
    String why = problem(uri);
    if (why != null) {
      throw new IllegalArgumentException(why);
    }
    if (uris.contains(uri)) {
      return false;
    }
    uris.add(uri);
    try {
      save();
    } catch (IOException e) {
      uris.remove(uri);
      throw e;
    }
    return true;
  }

  /** Forgets {@code uri} and saves. */
  public synchronized void remove(String uri) throws IOException {
    if (uris.remove(uri)) {
      save();
    }
  }

  /** Why {@code uri} is not a libvirt URI Berth will use, or null if it is. */
  public static String problem(String uri) {
    if (uri == null || uri.isBlank()) {
      return "enter a libvirt URI, such as qemu:///system or qemu+ssh://user@host/system";
    }
    if (uri.length() > MAX_URI) {
      return "the URI is longer than " + MAX_URI + " characters";
    }
    if (uri.chars().anyMatch(ch -> ch <= ' ' || ch == 0x7f)) {
      return "the URI must not contain spaces or control characters";
    }
    try {
      URI u = new URI(uri);
      if (u.getScheme() == null || !SCHEME.matcher(u.getScheme()).matches()) {
        return "'" + uri + "' has no driver: write it as driver[+transport]://[user@host]/path";
      }
      if (!uri.startsWith(u.getScheme() + "://")) {
        return "'" + uri + "' is not a libvirt URI: it needs '://' after '" + u.getScheme() + "'";
      }
    } catch (URISyntaxException e) {
      return "'" + uri + "' is not a URI: " + e.getReason();
    }
    return null;
  }

  private void save() throws IOException {
    ArrayNode list = JSON.createArrayNode();
    uris.forEach(list::add);
    PrivateFiles.directory(file.getParent());
    AtomicFiles.write(
        file,
        JSON.writerWithDefaultPrettyPrinter()
            .writeValueAsBytes(JSON.createObjectNode().set("hosts", list)));
  }
}
