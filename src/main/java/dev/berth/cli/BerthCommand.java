package dev.berth.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code berth} command line. With no subcommand, {@code Main} opens the desktop app. */
@Command(
    name = "berth",
    description = "Berth: a desktop virtual machine manager with its own RISC-V emulator core.",
    mixinStandardHelpOptions = true,
    versionProvider = BerthCommand.Version.class,
    subcommands = {
      RunCommand.class,
      StartCommand.class,
      PowerCommand.class,
      SaveCommand.class,
      SnapshotCommand.class,
      StatusCommand.class,
      ListCommand.class,
      EventsCommand.class,
      ConsoleCommand.class,
      SpecCommands.Create.class,
      SpecCommands.Edit.class,
      SpecCommands.Delete.class,
      BenchCommand.class,
      SelfTestCommand.class,
      picocli.AutoComplete.GenerateCompletion.class
    })
public final class BerthCommand implements Runnable {
  /** As virsh's {@code -c}: the commands after it speak of that libvirt host's domains. */
  @CommandLine.Option(
      names = {"-c", "--connect"},
      paramLabel = "URI",
      description =
          "a libvirt host (qemu:///system, qemu+ssh://user@host/system): list, status, power, events and console"
              + " act on its domains")
  void connect(String uri) {
    VmLookup.connect(uri);
  }

  @Override
  public void run() {
    new CommandLine(this).usage(System.out);
  }

  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      String v = BerthCommand.class.getPackage().getImplementationVersion();
      return new String[] {"berth " + (v == null ? "development build" : v)};
    }
  }
}
