package io.zferry.service.cli;

import io.zferry.service.Version;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code zferry} command. Exit codes: 0 done, 1 the operation failed, 2 wrong usage. ({@code
 * zferry demo ...} is handled by the bin/zferry launcher of a source checkout.)
 */
@Command(
    name = "zferry",
    mixinStandardHelpOptions = true,
    versionProvider = Version.class,
    subcommands = {StatusCommand.class},
    description = "Operate a zferry cluster through the local zferryd.")
public final class ZferryCli implements Runnable {
  public static final int OK = 0;
  public static final int FAILED = 1;
  public static final int USAGE = 2;

  public static void main(String[] args) {
    System.exit(run(args));
  }

  public static int run(String... args) {
    CommandLine cli = new CommandLine(new ZferryCli());
    cli.setExitCodeExceptionMapper(e -> FAILED);
    return cli.execute(args);
  }

  @Override
  public void run() {
    new CommandLine(this).usage(System.err);
  }
}
