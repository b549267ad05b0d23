package dev.berth.backend.bundled;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.berth.core.GuestRun;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A plain socket client, not Berth's own code, speaks QMP to a running bundled-core VM. */
class QmpServerTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  @TempDir Path dir;

  /** A bare-bones QMP client: raw socket, one JSON line out, one line in. */
  static final class RawClient implements AutoCloseable {
    final SocketChannel ch;
    final BufferedReader in;

    RawClient(Path socket) throws IOException {
      ch = SocketChannel.open(StandardProtocolFamily.UNIX);
      ch.connect(UnixDomainSocketAddress.of(socket));
      in =
          new BufferedReader(
              new InputStreamReader(Channels.newInputStream(ch), StandardCharsets.UTF_8));
    }

    void sendRaw(String text) throws IOException {
      ByteBuffer b = ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8));
      while (b.hasRemaining()) {
        ch.write(b);
      }
    }

    JsonNode read() throws IOException {
      String line = in.readLine();
      if (line == null) {
        return null;
      }
      return JSON.readTree(line);
    }

    JsonNode execute(String json) throws IOException {
      sendRaw(json + "\n");
      return read();
    }

    @Override
    public void close() throws IOException {
      ch.close();
    }
  }

  @Test
  void handshakeCommandsErrorsAndEventsInQemusFormat() throws Exception {
    try (GuestRun run = GuestRun.start("pm_button");
        QmpServer server = new QmpServer(run.machine, dir.resolve("qmp.sock"), "0.1.0")) {
      assertEquals(
          "rw-------",
          PosixFilePermissions.toString(Files.getPosixFilePermissions(server.socket())));
      run.awaitConsole("waiting");
      try (RawClient a = new RawClient(server.socket());
          RawClient b = new RawClient(server.socket())) {
        JsonNode greeting = a.read();
        assertTrue(greeting.at("/QMP/version/qemu").has("major"), greeting.toString());
        assertTrue(greeting.at("/QMP/capabilities").isArray());
        b.read();

        JsonNode early = a.execute("{\"execute\": \"query-status\"}");
        assertEquals("CommandNotFound", early.at("/error/class").asText());
        assertEquals(
            JSON.readTree("{\"return\": {}}"), a.execute("{\"execute\": \"qmp_capabilities\"}"));
        assertEquals(
            JSON.readTree("{\"return\": {}}"), b.execute("{\"execute\": \"qmp_capabilities\"}"));

        JsonNode status = a.execute("{\"execute\": \"query-status\", \"id\": 7}");
        assertEquals("running", status.at("/return/status").asText());
        assertTrue(status.at("/return/running").asBoolean());
        assertEquals(7, status.get("id").asInt());

        JsonNode garbage = a.execute("{this is not json");
        assertEquals("GenericError", garbage.at("/error/class").asText());
        assertTrue(garbage.at("/error/desc").asText().startsWith("JSON parse error"));
        assertEquals("GenericError", a.execute("[1, 2]").at("/error/class").asText());
        assertEquals("GenericError", a.execute("{\"arguments\": {}}").at("/error/class").asText());
        JsonNode unknown = a.execute("{\"execute\": \"no-such-command\", \"id\": \"x\"}");
        assertEquals("CommandNotFound", unknown.at("/error/class").asText());
        assertEquals("x", unknown.get("id").asText());
        a.sendRaw("\u0000\u00ff\u0001garbage bytes\n");
        assertEquals("GenericError", a.read().at("/error/class").asText());
        JsonNode hmp =
            a.execute(
                "{\"execute\": \"human-monitor-command\", \"arguments\": {\"command-line\": \"info status\"}}");
        assertEquals("VM status: running\r\n", hmp.get("return").asText());

        assertEquals(
            JSON.readTree("{\"return\": {}}"), a.execute("{\"execute\": \"system_powerdown\"}"));
        for (RawClient c : new RawClient[] {a, b}) {
          JsonNode powerdown = c.read();
          if (powerdown.has("return")) {
            powerdown = c.read(); // b's reply order: events only
          }
          assertEquals("POWERDOWN", powerdown.get("event").asText(), powerdown.toString());
          assertTrue(powerdown.at("/timestamp/seconds").asLong() > 1_700_000_000L);
          assertTrue(powerdown.at("/timestamp/microseconds").isIntegralNumber());
          JsonNode shutdown = c.read();
          assertEquals("SHUTDOWN", shutdown.get("event").asText());
          assertEquals(
              JSON.readTree("{\"guest\": true, \"reason\": \"guest-shutdown\"}"),
              shutdown.get("data"));
          assertEquals(null, c.read(), "the socket closes when the machine ends, as QEMU's does");
        }
      }
      run.awaitExit();
      assertFalse(Files.exists(server.socket()), "the socket is removed");
    }
  }

  /**
   * Berth's save over QMP answers once the file is on disk; the STOP it makes reaches every client
   * first, this one included, and the socket closes as the run ends saved.
   */
  @Test
  void saveStateAnswersWithTheFileOnDisk() throws Exception {
    Path file = dir.resolve("pm_button.berth-state");
    try (GuestRun run = GuestRun.start("pm_button");
        QmpServer server =
            new QmpServer(
                run.machine,
                dir.resolve("s.sock"),
                "0.1.0",
                new QmpCommands.StateOps() {
                  @Override
                  public java.util.concurrent.CompletableFuture<Long> save() {
                    return run.machine.saveState(file, "0.1.0");
                  }

                  @Override
                  public java.util.concurrent.CompletableFuture<?> snapshot(String t, String d) {
                    throw new UnsupportedOperationException();
                  }

                  @Override
                  public java.util.concurrent.CompletableFuture<?> revert(String tag) {
                    throw new UnsupportedOperationException();
                  }

                  @Override
                  public void delete(String tag) {
                    throw new UnsupportedOperationException();
                  }
                })) {
      run.awaitConsole("waiting");
      try (RawClient a = new RawClient(server.socket())) {
        a.read();
        a.execute("{\"execute\": \"qmp_capabilities\"}");
        a.sendRaw("{\"execute\": \"x-berth-save-state\", \"id\": 1}\n");
        JsonNode stop = a.read();
        assertEquals("STOP", stop.path("event").asText(), stop.toString());
        JsonNode reply = a.read();
        assertEquals(Files.size(file), reply.at("/return/size").asLong(), reply.toString());
        assertEquals(null, a.read(), "the run is over: saved");
      }
      assertEquals(dev.berth.event.MachineExit.Kind.SAVED, run.awaitExit().kind());
    }
  }

  private static JsonNode untilReply(RawClient c, java.util.List<String> statuses)
      throws IOException {
    while (true) {
      JsonNode m = c.read();
      if (m.has("return") || m.has("error")) {
        return m;
      }
      if ("JOB_STATUS_CHANGE".equals(m.path("event").asText())) {
        statuses.add(m.at("/data/status").asText());
      }
    }
  }

  /** Reads events until the job has concluded, collecting its statuses. */
  private static void untilConcluded(RawClient c, java.util.List<String> statuses)
      throws IOException {
    while (!statuses.contains("concluded")) {
      JsonNode m = c.read();
      if ("JOB_STATUS_CHANGE".equals(m.path("event").asText())) {
        statuses.add(m.at("/data/status").asText());
      }
    }
  }

  /**
   * QEMU's snapshot commands as QEMU 7.2 runs them: the command answers at once, the job goes
   * created, running, waiting, pending, concluded (STOP and RESUME around the work), query-jobs
   * shows it, job-dismiss ends it; a job that fails concludes with its error.
   */
  @Test
  void snapshotCommandsRunAsQemuJobs() throws Exception {
    dev.berth.vm.BerthDirs dirs =
        new dev.berth.vm.BerthDirs(
            java.util.Map.of("XDG_RUNTIME_DIR", dir.resolve("run").toString()), dir);
    Files.createDirectories(dir.resolve("run"));
    try (GuestRun run = GuestRun.start("pm_button")) {
      run.awaitConsole("waiting");
      VmEndpoints.open(run.machine, dirs, "pm_button");
      try (RawClient a = new RawClient(dev.berth.vm.VmSockets.qmp(dirs, "pm_button"))) {
        a.read();
        a.execute("{\"execute\": \"qmp_capabilities\"}");
        java.util.List<String> statuses = new java.util.ArrayList<>();
        a.sendRaw(
            "{\"execute\": \"snapshot-save\", \"arguments\": {\"job-id\": \"j1\", \"tag\":"
                + " \"t1\", \"vmstate\": \"disk0\", \"devices\": []}}\n");
        assertEquals(JSON.readTree("{\"return\": {}}"), untilReply(a, statuses));
        untilConcluded(a, statuses);
        assertEquals(
            java.util.List.of("created", "running", "waiting", "pending", "concluded"), statuses);
        JsonNode jobs = a.execute("{\"execute\": \"query-jobs\"}");
        assertEquals("concluded", jobs.at("/return/0/status").asText(), jobs.toString());
        assertEquals("snapshot-save", jobs.at("/return/0/type").asText());
        assertEquals(
            JSON.readTree("{\"return\": {}}"),
            untilReply(
                a, statuses, "{\"execute\": \"job-dismiss\", \"arguments\": {\"id\": \"j1\"}}"));

        statuses.clear();
        a.sendRaw(
            "{\"execute\": \"snapshot-load\", \"arguments\": {\"job-id\": \"j2\", \"tag\":"
                + " \"nope\"}}\n");
        untilReply(a, statuses);
        untilConcluded(a, statuses);
        JsonNode failed = a.execute("{\"execute\": \"query-jobs\"}");
        assertEquals(
            "pm_button has no snapshot named nope",
            failed.at("/return/0/error").asText(),
            failed.toString());
        JsonNode twice =
            a.execute(
                "{\"execute\": \"snapshot-delete\", \"arguments\": {\"job-id\": \"j2\","
                    + " \"tag\": \"t1\"}}");
        assertEquals("Job ID 'j2' already in use", twice.at("/error/desc").asText());
      }
    }
  }

  private static JsonNode untilReply(RawClient c, java.util.List<String> statuses, String command)
      throws IOException {
    c.sendRaw(command + "\n");
    return untilReply(c, statuses);
  }

  @Test
  void quitFromQmp() throws Exception {
    try (GuestRun run = GuestRun.start("pm_ignore");
        QmpServer server = new QmpServer(run.machine, dir.resolve("q.sock"), "0.1.0");
        RawClient c = new RawClient(server.socket())) {
      c.read();
      c.execute("{\"execute\": \"qmp_capabilities\"}");
      assertEquals(
          "GenericError",
          c.execute("{\"execute\": \"system_wakeup\"}").at("/error/class").asText());
      c.execute("{\"execute\": \"stop\"}");
      assertEquals("STOP", c.read().get("event").asText());
      assertEquals(
          "paused", c.execute("{\"execute\": \"query-status\"}").at("/return/status").asText());
      c.execute("{\"execute\": \"quit\"}");
      JsonNode shutdown = c.read();
      assertEquals(
          JSON.readTree("{\"guest\": false, \"reason\": \"host-qmp-quit\"}"), shutdown.get("data"));
    }
  }
}
