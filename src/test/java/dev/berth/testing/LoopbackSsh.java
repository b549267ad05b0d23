package dev.berth.testing;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.concurrent.TimeUnit;

/**
 * An sshd of the test's own on 127.0.0.1, with a host key and a client key made for it, so
 * libvirt's ssh transport ({@code qemu+ssh://}) is tested on one machine as a remote host would be
 * reached. The client side needs nothing of the user's: a wrapper for {@code ssh} keeps host keys
 * out of {@code ~/.ssh}. {@link #close} ends the daemon.
 */
public final class LoopbackSsh implements AutoCloseable {
  private final Path dir;
  private final int port;
  private final Process sshd;

  private LoopbackSsh(Path dir, int port, Process sshd) {
    this.dir = dir;
    this.port = port;
    this.sshd = sshd;
  }

  /** Starts the daemon and returns once it accepts connections (at most 10 s). */
  public static LoopbackSsh start() throws Exception {
    Path dir = Files.createTempDirectory(Path.of("/tmp"), "ssh");
    Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
    run("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", dir.resolve("host").toString());
    run("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", dir.resolve("client").toString());
    Files.copy(dir.resolve("client.pub"), dir.resolve("authorized_keys"));
    Files.createDirectories(Path.of("/run/sshd")); // sshd's privilege separation directory
    int port;
    try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      port = s.getLocalPort();
    }
    Files.writeString(
        dir.resolve("sshd_config"),
        String.join(
            "\n",
            "ListenAddress 127.0.0.1",
            "Port " + port,
            "HostKey " + dir.resolve("host"),
            "AuthorizedKeysFile " + dir.resolve("authorized_keys"),
            "PermitRootLogin prohibit-password",
            "PasswordAuthentication no",
            "KbdInteractiveAuthentication no",
            "UsePAM no",
            "StrictModes no", // the key files sit under /tmp, which is world-writable
            "PidFile none",
            ""));
    Files.writeString(
        dir.resolve("ssh"),
        "#!/bin/sh\nexec ssh -o UserKnownHostsFile=/dev/null -o BatchMode=yes -o LogLevel=ERROR"
            + " \"$@\"\n");
    Files.setPosixFilePermissions(dir.resolve("ssh"), PosixFilePermissions.fromString("rwx------"));
    Process sshd =
        new ProcessBuilder(
                "/usr/sbin/sshd", "-D", "-e", "-f", dir.resolve("sshd_config").toString())
            .redirectErrorStream(true)
            .redirectOutput(dir.resolve("sshd.log").toFile())
            .start();
    LoopbackSsh ssh = new LoopbackSsh(dir, port, sshd);
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (!ssh.accepts()) {
      if (!sshd.isAlive() || System.nanoTime() > deadline) {
        String log = Files.readString(dir.resolve("sshd.log"));
        ssh.close();
        throw new AssertionError("sshd did not come up on port " + port + ":\n" + log);
      }
      Thread.sleep(50); // a listening socket has nothing to wait on but a connect
    }
    return ssh;
  }

  private boolean accepts() {
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress("127.0.0.1", port), 200);
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  /** {@code qemu+ssh://root@127.0.0.1:PORT/system} with this test's key and ssh wrapper. */
  public String libvirtUri() {
    return "qemu+ssh://root@127.0.0.1:"
        + port
        + "/system?keyfile="
        + dir.resolve("client")
        + "&command="
        + dir.resolve("ssh")
        + "&no_verify=1";
  }

  private static void run(String... command) throws Exception {
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes());
    if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
      throw new AssertionError(String.join(" ", command) + " failed: " + out);
    }
  }

  @Override
  public void close() {
    // the per-connection sshd processes too: they may outlive the daemon for a moment
    java.util.List<ProcessHandle> all = new java.util.ArrayList<>(sshd.descendants().toList());
    all.add(sshd.toHandle());
    all.forEach(ProcessHandle::destroy);
    for (ProcessHandle p : all) {
      try {
        p.onExit().get(5, TimeUnit.SECONDS);
      } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
        p.destroyForcibly();
      } catch (InterruptedException e) {
        p.destroyForcibly();
        Thread.currentThread().interrupt();
      }
    }
    // per-connection children of sshd end with their sessions; any still here are ended too
    ProcessHandle.allProcesses()
        .filter(p -> p.info().commandLine().orElse("").contains(dir.toString()))
        .forEach(ProcessHandle::destroy);
  }
}
