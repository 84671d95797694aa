package io.zferry.vip;

import java.util.List;

/**
 * How a command ended.
 *
 * @param argv the command as it was asked for (without any namespace prefix of the runner)
 * @param exitCode its exit status
 * @param stdout everything it printed on standard output
 * @param stderr what it printed on standard error (the tail, if it printed a lot)
 */
public record CommandOutcome(List<String> argv, int exitCode, String stdout, String stderr) {
  public CommandOutcome {
    argv = List.copyOf(argv);
    stdout = stdout == null ? "" : stdout;
    stderr = stderr == null ? "" : stderr;
  }

  public boolean succeeded() {
    return exitCode == 0;
  }
}
