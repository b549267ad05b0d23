package dev.berth.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.berth.backend.InstalledBackends;
import dev.berth.qmp.QmpClient;
import dev.berth.vm.BerthDirs;
import dev.berth.vm.RunHistory;
import dev.berth.vm.Snapshot;
import dev.berth.vm.VmSession;
import dev.berth.vm.VmSockets;
import dev.berth.vm.VmSpec;
import java.io.IOException;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code berth snapshot NAME create|list|revert|delete [TAG]}: a VM that runs in another Berth
 * process is reached through its QMP socket (QEMU's snapshot commands); one that is off is worked
 * on here, through the same session the app uses.
 */
@Command(
    name = "snapshot",
    description = {
      "Take, list, revert to and delete a VM's snapshots (its disks, and its machine state when",
      "it runs). Reverting a running VM goes back at once; reverting one that is off puts its",
      "disks back, and the next start goes on from the snapshot's machine state if it has one."
    },
    mixinStandardHelpOptions = true)
public final class SnapshotCommand implements Callable<Integer> {
  private static final long MILLIS = TimeUnit.MINUTES.toMillis(10);

  @Parameters(index = "0", paramLabel = "NAME", description = "the VM")
  String name;

  @Parameters(index = "1", paramLabel = "ACTION", description = "create, list, revert or delete")
  String action;

  @Parameters(index = "2", arity = "0..1", paramLabel = "TAG", description = "the snapshot's name")
  String tag;

  @Option(
      names = {"-d", "--description"},
      paramLabel = "TEXT",
      defaultValue = "",
      description = "what the snapshot is for (create)")
  String description;

  @Override
  public Integer call() {
    BerthDirs dirs = VmLookup.dirs();
    try {
      VmSpec spec = VmLookup.find(dirs, name);
      if (action.equals("list")) {
        return list(spec, dirs);
      }
      if (!java.util.List.of("create", "revert", "delete").contains(action)) {
        System.err.println("berth: unknown snapshot action '" + action + "' (see --help)");
        return 2;
      }
      if (tag == null) {
        System.err.println("berth: snapshot " + action + " needs the snapshot's name");
        return 2;
      }
      String bad = Snapshot.problem(tag);
      if (bad != null) {
        System.err.println("berth: '" + tag + "' is not a snapshot name: " + bad);
        return 2;
      }
      if (spec.backend() == VmSpec.Backend.BUNDLED
          && VmSockets.isLive(VmSockets.qmp(dirs, spec.name()))) {
        return overQmp(dirs);
      }
      if (spec.backend() == VmSpec.Backend.QEMU
          && dev.berth.backend.qemu.QemuRuntime.of(dirs, spec.name()).process().isPresent()) {
        return qemuJobs(spec, dirs);
      }
      return here(spec, dirs);
    } catch (VmLookup.CliError | IOException e) {
      System.err.println("berth: " + e.getMessage());
      return 1;
    }
  }

  private int list(VmSpec spec, BerthDirs dirs) throws IOException {
    for (Snapshot s : InstalledBackends.all().forSpec(spec).snapshots(spec, dirs)) {
      System.out.println(s.describe());
    }
    return 0;
  }

  /** The process that runs the VM takes the snapshot: its machine is there. */
  private int overQmp(BerthDirs dirs) throws IOException {
    try (QmpClient qmp = new QmpClient(VmSockets.qmp(dirs, name), 5000)) {
      ObjectNode args = new com.fasterxml.jackson.databind.ObjectMapper().createObjectNode();
      args.put("job-id", "berth-" + action + "-" + ProcessHandle.current().pid()).put("tag", tag);
      if (action.equals("create")) {
        args.put("x-berth-description", description);
      }
      String command =
          switch (action) {
            case "create" -> "snapshot-save";
            case "revert" -> "snapshot-load";
            default -> "snapshot-delete";
          };
      dev.berth.qmp.QmpJob.run(qmp, command, args, MILLIS);
      System.err.println("berth: " + name + ": " + said());
      return 0;
    }
  }

  /** A running QEMU holds its images: its own snapshot jobs, over the public QMP socket. */
  private int qemuJobs(VmSpec spec, BerthDirs dirs) throws IOException {
    String problem = dev.berth.backend.qemu.QemuSnapshots.problem(spec);
    if (problem != null) {
      throw new IOException(problem);
    }
    var snapshots = new dev.berth.backend.qemu.QemuSnapshots(spec, dirs);
    try (QmpClient qmp = new QmpClient(VmSockets.qmp(dirs, name), 5000)) {
      switch (action) {
        case "create" -> System.out.println(snapshots.take(qmp, tag, description).describe());
        case "revert" -> snapshots.revert(qmp, tag);
        default -> snapshots.delete(qmp, tag);
      }
    }
    System.err.println("berth: " + name + ": " + said());
    return 0;
  }

  private int here(VmSpec spec, BerthDirs dirs) {
    VmSession session =
        new VmSession(spec, InstalledBackends.all(), new RunHistory(dirs.state()), dirs);
    try {
      switch (action) {
        case "create" ->
            System.out.println(
                session.takeSnapshot(tag, description).get(10, TimeUnit.MINUTES).describe());
        case "revert" -> session.revertSnapshot(tag).get(10, TimeUnit.MINUTES);
        default -> session.deleteSnapshot(tag).get(10, TimeUnit.MINUTES);
      }
      System.err.println("berth: " + name + ": " + said());
      return 0;
    } catch (java.util.concurrent.ExecutionException e) {
      System.err.println("berth: " + VmSession.rootMessage(e));
      return 1;
    } catch (java.util.concurrent.TimeoutException e) {
      System.err.println("berth: the snapshot did not finish in 10 minutes");
      return 1;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return 1;
    }
  }

  private String said() {
    return switch (action) {
      case "create" -> "took snapshot " + tag;
      case "revert" -> "went back to snapshot " + tag;
      default -> "deleted snapshot " + tag;
    };
  }
}
