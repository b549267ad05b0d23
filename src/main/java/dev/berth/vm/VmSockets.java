package dev.berth.vm;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * Where a running VM's sockets live: {@code <runtime>/<vm>/qmp.sock}, in a 0700 directory, for
 * every backend, so one client code path serves them all.
 */
public final class VmSockets {
  private VmSockets() {}

  /**
   * The VM's runtime directory, created 0700 if missing; a link or another user's directory there
   * is refused (see {@link PrivateFiles#directory}).
   */
  public static Path vmDir(BerthDirs dirs, String vm) throws IOException {
    return PrivateFiles.directory(dirs.createRuntime().resolve(VmNames.require(vm)));
  }

  /** The QMP socket path (not created). */
  public static Path qmp(BerthDirs dirs, String vm) {
    return dirs.runtime().resolve(VmNames.require(vm)).resolve("qmp.sock");
  }

  /** The serial console socket path (not created). */
  public static Path serial(BerthDirs dirs, String vm) {
    return dirs.runtime().resolve(VmNames.require(vm)).resolve("serial.sock");
  }

  /** The guest-agent channel's socket path (not created). */
  public static Path qga(BerthDirs dirs, String vm) {
    return dirs.runtime().resolve(VmNames.require(vm)).resolve("qga.sock");
  }

  /**
   * Binds a server socket at {@code socket}, replacing a stale one a finished run left, readable
   * and writable by the owner only (0600; the 0700 directory protects it where there is no POSIX).
   */
  public static java.nio.channels.ServerSocketChannel bindPrivate(Path socket) throws IOException {
    Files.deleteIfExists(socket);
    java.nio.channels.ServerSocketChannel server =
        java.nio.channels.ServerSocketChannel.open(StandardProtocolFamily.UNIX);
    server.bind(UnixDomainSocketAddress.of(socket));
    try {
      Files.setPosixFilePermissions(socket, PosixFilePermissions.fromString("rw-------"));
    } catch (UnsupportedOperationException e) {
      // not a POSIX file system
    }
    return server;
  }

  /** True if something accepts connections on {@code socket}: the VM is running somewhere. */
  public static boolean isLive(Path socket) {
    if (!Files.exists(socket)) {
      return false;
    }
    try {
      dev.berth.qapi.QapiChannel.connect(socket).close();
      return true;
    } catch (IOException e) {
      return false;
    }
  }
}
