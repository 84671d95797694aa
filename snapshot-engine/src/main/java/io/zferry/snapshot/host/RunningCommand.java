package io.zferry.snapshot.host;

import java.io.InputStream;
import java.io.OutputStream;
import java.time.Duration;

/**
 * A command in progress whose standard streams are wired to the caller, so that one host's {@code
 * zfs send} can feed another host's {@code zfs recv} without the stream being held in memory.
 * Standard error is collected in the background (its tail is kept) for error reports.
 */
public interface RunningCommand extends AutoCloseable {
  Command command();

  String host();

  /** The command's standard input; close it to signal end of input. */
  OutputStream stdin();

  /** The command's standard output. */
  InputStream stdout();

  /**
   * Waits for the command to end and returns its result; stdout in the result is empty because the
   * caller consumed it. A command with no exit status (a dropped connection, a signal) reports -1.
   *
   * @throws HostException if it does not end within the timeout (it is then killed)
   */
  CommandResult await(Duration timeout);

  /**
   * What the command wrote on standard error so far (its tail once it is long), without waiting:
   * for a tool that reports on stderr while its stdout streams, such as {@code zfs send -P}.
   */
  default String stderrSoFar() {
    return "";
  }

  /** Ends the command at once; safe to call more than once. */
  void kill();

  /** Kills the command if it is still running and frees its resources. */
  @Override
  void close();
}
