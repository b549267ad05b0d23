package dev.berth.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import dev.berth.vm.BerthDirs;
import dev.berth.vm.VmSpec;
import java.io.IOException;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code berth list}: every VM in the library with its backend and state. */
@Command(
    name = "list",
    description = "List the VMs: name, backend, state, how the last run ended.",
    mixinStandardHelpOptions = true)
public final class ListCommand implements Callable<Integer> {
  @Option(names = "--json", description = "print a JSON array")
  boolean json;

  @Override
  public Integer call() throws IOException {
    BerthDirs dirs = VmLookup.dirs();
    ObjectMapper mapper = new ObjectMapper();
    ArrayNode all = mapper.createArrayNode();
    for (VmSpec spec : VmLookup.all(dirs)) {
      all.add(StatusCommand.describe(dirs, spec));
    }
    if (json) {
      System.out.println(mapper.writeValueAsString(all));
    } else {
      all.forEach(
          s ->
              System.out.println(
                  StatusCommand.line((com.fasterxml.jackson.databind.node.ObjectNode) s)));
    }
    return 0;
  }
}
