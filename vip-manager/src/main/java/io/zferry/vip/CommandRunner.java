package io.zferry.vip;

import java.time.Duration;
import java.util.List;

/**
 * Runs one program with its arguments and waits for it: the only way the VIP manager touches the
 * system, so that tests can script it and the daemon can point it into a namespace. Arguments are
 * passed as a list straight to the program, never through a shell.
 */
public interface CommandRunner {
  /**
   * Runs {@code argv} to completion and returns how it ended, whatever its exit code.
   *
   * @throws VipCommandException if the program could not be started or did not finish within {@code
   *     timeout} (it is killed then)
   */
  CommandOutcome run(List<String> argv, Duration timeout);
}
