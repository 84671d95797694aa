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
      CheckCommand.class,
      FailoverCommand.class,
      DivergenceCommand.class,
      MarkSyncAsFixedCommand.class,
      PacemakerCommand.class,
      TokenCommand.class,
      PasswdCommand.class,
      ConfigCommand.class,
      VersionCommand.class,
      SetupSshCommand.class,
      SetupTlsCommand.class,
      ServeCommand.class,
      CommandLine.HelpCommand.class
    },
    description = {
      "Operate a zferry cluster through the local zferryd: zferry keeps a ZFS pool highly"
          + " available on two servers that share nothing.",
      "Commands that talk to zferryd read the API token from the tokens file that the"
          + " configuration (/etc/zferry/zferry.yaml, or $ZFERRY_CONFIG) names; run them as root"
          + " on a node, or pass --token-file and --api."
    },
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {
      "0:done",
      "1:the operation failed (the daemon did not answer, or refused; the message says why)",
      "2:wrong usage, or no readable token file",
      "3:(zferry check only) UNKNOWN; check also exits 1 for WARNING and 2 for CRITICAL"
    },
    footer = {
      "",
      "Examples:",
      "  zferry status                  role, lag and lock of each service",
      "  zferry check                   one line for Nagios: OK/WARNING/CRITICAL",
      "  zferry failover tank           switch over to the other node",
      "  zferry divergence tank         what the old active holds after a failover",
      "  zferry mark-sync-as-fixed tank node-a node-b",
      "  zferry config check            validate /etc/zferry/zferry.yaml",
      "  zferry help failover           the help of one command",
      "",
      "Documentation: /usr/share/doc/zferry, man zferry, man zferryd."
    })
public final class ZferryCli implements Runnable {
  public static final int OK = 0;
  public static final int FAILED = 1;
  public static final int USAGE = 2;

  /** Nagios's UNKNOWN, which {@code zferry check} also answers to wrong usage. */
  public static final int CHECK_UNKNOWN = 3;

  @Spec CommandSpec spec;

  public static void main(String[] args) {
    System.exit(run(args));
  }

  public static int run(String... args) {
    return run(new PrintWriter(System.out, true), new PrintWriter(System.err, true), args);
  }

  /** Runs {@code zferry args...} writing to {@code out} and {@code err}; returns the exit code. */
  public static int run(PrintWriter out, PrintWriter err, String... args) {
    CommandLine cli = commandLine();
    cli.setOut(out);
    cli.setErr(err);
    // Picocli asks this mapper for usage errors too, so it must keep their code.
    cli.setExitCodeExceptionMapper(
        e -> {
          if (e instanceof CommandLine.ParameterException) {
            // A monitoring system reads 2 as CRITICAL: a misconfigured check is UNKNOWN there.
            Object command =
                ((CommandLine.ParameterException) e).getCommandLine().getCommandSpec().userObject();
            return command instanceof CheckCommand ? CHECK_UNKNOWN : USAGE;
          }
          return FAILED;
        });
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

  /** The command tree, for running it and for generating its man page and bash completion. */
  public static CommandLine commandLine() {
    return new CommandLine(new ZferryCli());
  }

  @Override
  public void run() {
    throw new CommandLine.ParameterException(spec.commandLine(), "name a command");
  }
}
