package dev.berth.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.berth.event.MachineEvent;
import dev.berth.qmp.QmpClient;
import dev.berth.qmp.QmpJson;
import dev.berth.vm.BerthDirs;
import dev.berth.vm.Run;
import dev.berth.vm.RunHistory;
import dev.berth.vm.VmSockets;
import java.io.IOException;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code berth events NAME}: the last run's events, or the live ones with --follow. */
@Command(
    name = "events",
    description =
        "Print a VM's events: the last run's from its history, or live ones with --follow until it stops.",
    mixinStandardHelpOptions = true)
public final class EventsCommand implements Callable<Integer> {
  @Parameters(paramLabel = "NAME", description = "the VM")
  String name;

  @Option(names = "--follow", description = "print events as they happen until the VM stops")
  boolean follow;

  @Option(names = "--json", description = "QMP's JSON lines instead of text")
  boolean json;

  @Override
  public Integer call() throws IOException, VmLookup.CliError {
    BerthDirs dirs = VmLookup.dirs();
    if (follow && VmLookup.onLibvirt()) {
      try {
        return LibvirtCli.follow(dirs, name, json);
      } catch (VmLookup.CliError e) {
        System.err.println("berth: " + e.getMessage());
        return 1;
      } catch (Exception e) {
        System.err.println("berth: " + name + ": " + dev.berth.vm.VmSession.rootMessage(e));
        return 1;
      }
    }
    if (follow) {
      try (QmpClient qmp = new QmpClient(VmSockets.qmp(dirs, name), 5000)) {
        System.err.println("berth: following " + name + "'s events until it stops");
        while (true) {
          JsonNode e;
          try {
            e = qmp.nextEvent(60_000);
          } catch (IOException closed) {
            return 0; // the VM stopped
          }
          if (e != null) {
            System.out.println(json ? e.toString() : text(e));
            System.out.flush();
          }
        }
      } catch (IOException e) {
        System.err.println("berth: " + name + " is not running");
        return 1;
      }
    }
    List<Run> runs =
        new RunHistory(dirs.state())
            .runs(VmLookup.onLibvirt() ? VmLookup.find(dirs, name).historyKey() : name);
    if (runs.isEmpty()) {
      System.err.println("berth: " + name + " has no recorded runs");
      return 1;
    }
    Run last = runs.get(runs.size() - 1);
    for (MachineEvent e : last.events()) {
      System.out.println(json ? QmpJson.eventLine(e) : text(QmpJson.event(e)));
    }
    if (last.end() != null && !json) {
      System.out.println("end: " + last.end().words());
    }
    return 0;
  }

  static String text(JsonNode e) {
    long s = e.at("/timestamp/seconds").asLong();
    long us = e.at("/timestamp/microseconds").asLong();
    String when = Instant.ofEpochSecond(s, us * 1000).toString();
    JsonNode data = e.get("data");
    return when + "  " + e.get("event").asText() + (data == null ? "" : "  " + data);
  }
}
