package io.zferry.service.cli;

import io.zferry.service.Version;
import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * The {@code zferry} command. Exit codes: 0 done, 1 the operation failed, 2 wrong usage. ({@code
 * zferry demo ...} is handled by the bin/zferry launcher of a source checkout.)
 */
@Command(
    name = "zferry",
    mixinStandardHelpOptions = true,
    versionProvider = Version.class,
    subcommands = {
      StatusCommand.class,
      FailoverCommand.class,
      DivergenceCommand.class,
      MarkSyncAsFixedCommand.class,
      TokenCommand.class,
      PasswdCommand.class
    },
    description = "Operate a zferry cluster through the local zferryd.",
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {
      "0:done",
      "1:the operation failed (the daemon did not answer, or refused)",
      "2:wrong usage, or no readable token file"
    })
public final class ZferryCli implements Runnable {
  public static final int OK = 0;
  public static final int FAILED = 1;
  public static final int USAGE = 2;

  @Spec CommandSpec spec;

  public static void main(String[] args) {
    System.exit(run(args));
  }

  public static int run(String... args) {
    return run(new PrintWriter(System.out, true), new PrintWriter(System.err, true), args);
  }

  /** Runs {@code zferry args...} writing to {@code out} and {@code err}; returns the exit code. */
  public static int run(PrintWriter out, PrintWriter err, String... args) {
    CommandLine cli = new CommandLine(new ZferryCli());
    cli.setOut(out);
    cli.setErr(err);
    // Picocli asks this mapper for usage errors too, so it must keep their code.
    cli.setExitCodeExceptionMapper(
        e -> e instanceof CommandLine.ParameterException ? USAGE : FAILED);
    cli.setExecutionExceptionHandler(
        (e, command, parsed) -> {
          if (e instanceof CliFailure) {
            command.getErr().println("zferry: " + e.getMessage());
            command.getErr().flush();
            return ((CliFailure) e).exitCode();
          }
          throw e;
        });
    return cli.execute(args);
  }

  @Override
  public void run() {
    throw new CommandLine.ParameterException(spec.commandLine(), "name a command");
  }
}
