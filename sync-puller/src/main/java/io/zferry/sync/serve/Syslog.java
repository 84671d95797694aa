package io.zferry.sync.serve;

import io.zferry.snapshot.host.ProcessRunner;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * Refusals of {@code zferry serve} in the system log (auth facility, tag {@code zferry-serve}), via
 * {@code logger} as an argv list, so they reach journald or syslog wherever the node has one. Only
 * refusals are logged: they are rare, and each costs a process.
 */
final class Syslog {
  private static final Path LOGGER = Path.of("/usr/bin/logger");
  private static final Path DEV_LOG = Path.of("/dev/log");

  private Syslog() {}

  static void warn(String message) {
    if (!Files.isExecutable(LOGGER) || !Files.exists(DEV_LOG)) {
      return;
    }
    try {
      new ProcessRunner()
          .run(
              List.of(LOGGER.toString(), "-t", "zferry-serve", "-p", "auth.warning", "--", message),
              Duration.ofSeconds(2),
              ProcessRunner.Capture.combinedTail(1024));
    } catch (Exception e) {
      // The refusal already went to stderr; a missing system log must not change the outcome.
    }
  }
}
