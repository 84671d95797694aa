package io.zferry.snapshot.host;

import java.time.Duration;
import java.util.Optional;

/**
 * A machine that runs commands given as argument lists: this node ({@link LocalHost}) or a peer
 * reached over SSH. Implementations never pass a command through a shell string unquoted.
 */
public interface Host extends AutoCloseable {
  /** A short name for messages, e.g. the node name. */
  String name();

  /** Starts a command with streaming standard input and output. */
  RunningCommand start(Command command);

  /**
   * Runs a command to completion with no input, collecting its output. Does not throw for a
   * non-zero exit; see {@link CommandResult#requireSuccess()}.
   */
  default CommandResult run(Command command, Duration timeout) {
    try (RunningCommand running = start(command)) {
      running.stdin().close();
      OutputCollector stdout = OutputCollector.drain(running.stdout(), name() + " stdout");
      CommandResult result = running.await(timeout);
      return new CommandResult(
          result.host(), command, result.exitCode(), stdout.awaitText(), result.stderr());
    } catch (java.io.IOException e) {
      throw new HostException(name(), "could not run '" + command + "': " + e.getMessage(), e);
    }
  }

  /**
   * How this host would carry out {@code command} as a process of this machine, for joining it to
   * another by a pipe ({@link LocalPipeline}); empty if it cannot (a peer reached through the JVM's
   * own SSH client). Asking may prepare the command on the peer (a ticket), so ask only for a
   * command that is then started.
   */
  default Optional<LocalLaunch> launch(Command command) {
    return Optional.empty();
  }

  /** Whether {@link #launch} can return a launch here; asking this prepares nothing. */
  default boolean launchesLocally() {
    return false;
  }

  @Override
  default void close() {}

  /**
   * Ends every command started on this host that still runs, at once, without closing the host:
   * later commands start as usual. For giving up on a peer whose commands hang (its ZFS hangs) so
   * that the threads waiting on them are released. Returns how many were ended.
   */
  default int abortRunning() {
    return 0;
  }
}
