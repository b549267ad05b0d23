package dev.berth.cli;

import java.io.PrintStream;
import java.nio.file.Path;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.ParseResult;

/**
 * The {@code berth} command line as {@code Main} runs it: whatever goes wrong, the user reads one
 * line ({@code berth: …}) and gets a non-zero status; details only with {@code --verbose} or in the
 * {@code --log} file.
 */
public final class Cli {
  private static final System.Logger LOG = System.getLogger(Cli.class.getName());
  private static final String VERBOSE = "--verbose";
  private static final String LOG_FILE = "--log";

  private Cli() {}

  public static CommandLine create() {
    PrintStream err = System.err;
    CommandLine cli = new CommandLine(new BerthCommand());
    addLoggingOptions(cli);
    cli.setParameterExceptionHandler(
        (e, args) -> {
          CommandLine c = e.getCommandLine();
          err.println("berth: " + whatIsWrong(e));
          err.println("try '" + c.getCommandSpec().qualifiedName() + " --help'");
          return c.getCommandSpec().exitCodeOnInvalidInput();
        });
    cli.setExecutionExceptionHandler(
        (e, c, parsed) -> {
          LOG.log(System.Logger.Level.DEBUG, c.getCommandSpec().qualifiedName() + " failed", e);
          err.println("berth: " + CliErrors.describe(e));
          return 1;
        });
    cli.setExecutionStrategy(
        parsed -> {
          configureLogging(parsed, err);
          return new CommandLine.RunLast().execute(parsed);
        });
    return cli;
  }

  /**
   * The parse error, except that an unknown option is named first: for {@code create -rf} that is
   * the mistake, not the NAME it then seems to lack.
   */
  private static String whatIsWrong(CommandLine.ParameterException e) {
    ParseResult parsed = e.getCommandLine().getParseResult();
    if (!(e instanceof CommandLine.UnmatchedArgumentException)
        && parsed != null
        && !parsed.unmatched().isEmpty()) {
      return "unknown option or argument: " + String.join(" ", parsed.unmatched());
    }
    return CliErrors.describe(e);
  }

  /** Every command takes them, before or after its name. */
  private static void addLoggingOptions(CommandLine c) {
    CommandSpec spec = c.getCommandSpec();
    spec.addOption(
        OptionSpec.builder(VERBOSE)
            .arity("0")
            .type(boolean.class)
            .description("show every log message, with details")
            .build());
    spec.addOption(
        OptionSpec.builder(LOG_FILE)
            .paramLabel("FILE")
            .type(Path.class)
            .description("append every log message, with details, to FILE")
            .build());
    c.getSubcommands().values().forEach(Cli::addLoggingOptions);
  }

  private static void configureLogging(ParseResult parsed, PrintStream err) {
    boolean verbose = false;
    Path logFile = null;
    for (ParseResult p = parsed; p != null; p = p.subcommand()) {
      verbose |= p.hasMatchedOption(VERBOSE);
      if (p.hasMatchedOption(LOG_FILE)) {
        logFile = p.matchedOptionValue(LOG_FILE, null);
      }
    }
    CliLogging.configure(verbose, logFile, err);
  }
}
