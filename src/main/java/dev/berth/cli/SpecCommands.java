package dev.berth.cli;

import dev.berth.backend.bundled.BundledMachines;
import dev.berth.vm.BerthDirs;
import dev.berth.vm.VmSockets;
import dev.berth.vm.VmSpec;
import dev.berth.vm.VmStore;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code berth create}, {@code edit} and {@code delete}: the app's VM dialog, from a terminal. */
final class SpecCommands {
  private SpecCommands() {}

  /** Validates and saves; every problem in one line, the spec untouched on any error. */
  static int save(VmSpec spec, String except) throws IOException {
    BerthDirs dirs = VmLookup.dirs();
    List<String> others =
        VmLookup.all(dirs).stream().map(VmSpec::name).filter(n -> !n.equals(except)).toList();
    if (spec.backend() == null) {
      System.err.println("berth: backend: must be bundled or qemu");
      return 1;
    }
    Map<String, String> errors = BundledMachines.validator().validate(spec, others);
    if (!errors.isEmpty()) {
      System.err.println(
          "berth: "
              + errors.entrySet().stream()
                  .map(e -> e.getKey() + ": " + e.getValue())
                  .collect(Collectors.joining("; ")));
      return 1;
    }
    new VmStore(dirs.config()).save(spec);
    return 0;
  }

  @Command(
      name = "create",
      description = "Create a VM in the library (the same JSON the app uses).",
      mixinStandardHelpOptions = true)
  static final class Create implements Callable<Integer> {
    @Parameters(paramLabel = "NAME")
    String name;

    @Mixin SpecOptions options;

    @Override
    public Integer call() throws IOException {
      VmSpec spec = options.applyTo(VmSpec.of(name, VmSpec.Backend.BUNDLED, "bundled:demo"));
      int status = save(spec, null);
      if (status == 0) {
        System.out.println("created " + name);
      }
      return status;
    }
  }

  @Command(
      name = "edit",
      description = "Change a VM's settings; they apply at its next start.",
      mixinStandardHelpOptions = true)
  static final class Edit implements Callable<Integer> {
    @Parameters(paramLabel = "NAME")
    String name;

    @Mixin SpecOptions options;

    @Override
    public Integer call() throws IOException {
      VmSpec current;
      try {
        current = VmLookup.find(VmLookup.dirs(), name);
      } catch (VmLookup.CliError e) {
        System.err.println("berth: " + e.getMessage());
        return 1;
      }
      int status = save(options.applyTo(current), name);
      if (status == 0) {
        System.out.println("saved " + name);
      }
      return status;
    }
  }

  @Command(
      name = "delete",
      description = "Delete a VM's settings (its image files are not touched).",
      mixinStandardHelpOptions = true)
  static final class Delete implements Callable<Integer> {
    @Parameters(paramLabel = "NAME")
    String name;

    @Option(
        names = "--with-data",
        description =
            "also delete its run history and the disk Berth made for it (otherwise they are kept"
                + " aside, renamed)")
    boolean withData;

    @Override
    public Integer call() throws IOException {
      BerthDirs dirs = VmLookup.dirs();
      if (VmSockets.isLive(VmSockets.qmp(dirs, name))) {
        System.err.println("berth: " + name + " is running: stop it first");
        return 1;
      }
      VmStore store = new VmStore(dirs.config());
      java.util.Optional<dev.berth.vm.VmSpec> spec =
          store.load().specs().stream().filter(s -> s.name().equals(name)).findFirst();
      if (spec.isEmpty()) {
        System.err.println("berth: no VM named '" + name + "'");
        return 1;
      }
      java.util.List<java.nio.file.Path> made =
          dev.berth.vm.VmRemoval.madeFiles(
              spec.get(),
              dev.berth.backend.InstalledBackends.all(),
              new dev.berth.vm.RunHistory(dirs.state()),
              dirs);
      String done =
          dev.berth.vm.VmRemoval.delete(store, name, made, withData, java.time.Clock.systemUTC())
              .describe();
      System.out.println("deleted " + name + (done.isEmpty() ? "" : "; " + done));
      return 0;
    }
  }
}
