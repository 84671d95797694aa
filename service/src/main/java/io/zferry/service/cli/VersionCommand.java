package io.zferry.service.cli;

import io.zferry.service.Version;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code zferry version}: this CLI's version (the daemon's is in {@code zferryd --version}). */
@Command(
    name = "version",
    mixinStandardHelpOptions = true,
    description = "Print the version of zferry (the same as zferry --version).",
    footer = {"", "Examples:", "  zferry version", "  zferry version --json"})
final class VersionCommand implements Callable<Integer> {
  @Option(names = "--json", description = "Print {\"version\": \"...\"}.")
  boolean json;

  @Spec CommandSpec spec;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    if (json) {
      out.printf("{\"version\": \"%s\"}%n", Version.text());
    } else {
      out.println(new Version().getVersion()[0]);
    }
    out.flush();
    return ZferryCli.OK;
  }
}
