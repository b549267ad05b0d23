package dev.berth.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.berth.backend.InstalledBackends;
import dev.berth.backend.qemu.QemuRuntime;
import dev.berth.event.RunState;
import dev.berth.qmp.QmpClient;
import dev.berth.vm.BerthDirs;
import dev.berth.vm.LostRuns;
import dev.berth.vm.Run;
import dev.berth.vm.RunHistory;
import dev.berth.vm.VmLock;
import dev.berth.vm.VmSockets;
import dev.berth.vm.VmSpec;
import java.io.IOException;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code berth status NAME} and {@code berth list}: what each VM is doing now. */
@Command(
    name = "status",
    description =
        "Show a VM's state (QEMU's run-state names while it runs) and how its last run ended.",
    mixinStandardHelpOptions = true)
public final class StatusCommand implements Callable<Integer> {
  private static final ObjectMapper JSON = new ObjectMapper();

  @Parameters(paramLabel = "NAME", description = "the VM")
  String name;

  @Option(names = "--json", description = "print JSON")
  boolean json;

  @Override
  public Integer call() throws IOException {
    BerthDirs dirs = VmLookup.dirs();
    VmSpec spec;
    try {
      spec = VmLookup.find(dirs, name);
    } catch (VmLookup.CliError e) {
      System.err.println("berth: " + e.getMessage());
      return 1;
    }
    ObjectNode s = describe(dirs, spec);
    System.out.println(json ? JSON.writeValueAsString(s) : line(s));
    return 0;
  }

  /** One VM's name, backend, state and last end, as JSON. */
  static ObjectNode describe(BerthDirs dirs, VmSpec spec) {
    ObjectNode s = JSON.createObjectNode();
    s.put("name", spec.name());
    s.put("backend", spec.backend().id());
    if (spec.backend() == VmSpec.Backend.LIBVIRT) {
      return describeLibvirt(s, dirs, spec);
    }
    String state = "shut off";
    try (QmpClient qmp = new QmpClient(VmSockets.qmp(dirs, spec.name()), 2000)) {
      JsonNode st = qmp.execute("query-status", null);
      state = st.path("status").asText();
    } catch (IOException notAnswering) {
      // no socket answering: shut off, unless its process still runs (stopped, hung)
      var qemu = QemuRuntime.of(dirs, spec.name()).process();
      if (qemu.isPresent()) {
        state = "not responding";
        s.put("pid", qemu.get().pid());
      } else if (VmLock.isHeld(dirs, spec.name())) {
        state = "not responding";
      }
    }
    s.put("state", state);
    RunHistory history = new RunHistory(dirs.state());
    List<Run> runs = history.runs(spec.historyKey());
    if (state.equals("shut off") && settle(dirs, spec, history, runs)) {
      runs = history.runs(spec.historyKey());
    }
    for (int i = runs.size() - 1; i >= 0; i--) {
      if (runs.get(i).end() != null) {
        s.put("lastEnd", runs.get(i).end().words());
        break;
      }
    }
    if (state.equals("shut off")) {
      InstalledBackends.all()
          .forSpec(spec)
          .savedState(spec, dirs)
          .ifPresent(words -> s.put("savedState", words));
    }
    return s;
  }

  /**
   * A VM that is off but whose last run has no end ended where no Berth saw it (a QEMU that exited
   * with nobody watching, a Berth process killed while it ran the VM): the history gets an end that
   * says so.
   */
  private static boolean settle(BerthDirs dirs, VmSpec spec, RunHistory history, List<Run> runs) {
    Integer open = LostRuns.openRun(runs);
    if (open == null) {
      return false;
    }
    java.util.Optional<String> detail =
        InstalledBackends.all().forSpec(spec).endedUnseen(spec, dirs);
    detail.ifPresent(d -> LostRuns.end(history, spec.historyKey(), open, d));
    return detail.isPresent();
  }

  /**
   * A libvirt domain: QEMU's run-state name from libvirt's state, libvirt's own words with the
   * reason, and the host.
   */
  private static ObjectNode describeLibvirt(ObjectNode s, BerthDirs dirs, VmSpec spec) {
    try {
      var d = dev.berth.backend.libvirt.LibvirtBackend.domainState(spec);
      s.put("state", d.state() == RunState.SHUTDOWN ? "shut off" : d.state().qapiName());
      s.put("lastEnd", "libvirt: " + d.words());
    } catch (IOException e) {
      s.put("state", "host unreachable");
      s.put("lastEnd", e.getMessage());
    }
    s.put("connection", spec.connection());
    return s;
  }

  static String line(ObjectNode s) {
    return String.format(
        "%-20s %-8s %-12s %s",
        s.get("name").asText(),
        s.get("backend").asText(),
        s.get("state").asText(),
        s.path("lastEnd").asText(""));
  }
}
