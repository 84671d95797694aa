package io.zferry.sync.transfer;

import io.zferry.snapshot.host.CommandResult;
import io.zferry.snapshot.host.HostException;
import io.zferry.snapshot.host.RunningCommand;
import java.time.Duration;

/** How a transfer's commands are awaited and a stall is described, whichever path streams. */
final class TransferEndings {
  /** How long to wait for a killed command's exit and stderr for the error message. */
  static final Duration KILLED_GRACE = Duration.ofSeconds(5);

  private TransferEndings() {}

  /** Awaits a command; a timeout (the command is then killed) becomes a result with exit -1. */
  static CommandResult awaitQuietly(RunningCommand command, Duration timeout) {
    try {
      return command.await(timeout);
    } catch (HostException e) {
      command.kill();
      return new CommandResult(
          command.host(), command.command(), -1, "", "[zferry: " + e.getMessage() + "]");
    }
  }

  /** The stall, once both commands were killed, with what each said. */
  static TransferStalledException stalled(
      Duration stallTimeout, RunningCommand sender, RunningCommand receiver, long bytes) {
    CommandResult sent = awaitQuietly(sender, KILLED_GRACE);
    CommandResult received = awaitQuietly(receiver, KILLED_GRACE);
    String message =
        "transfer stalled: no byte moved for "
            + Units.duration(stallTimeout)
            + " after "
            + Units.bytes(bytes)
            + ", so both commands were killed; sender '"
            + sender.command()
            + "' on "
            + sender.host()
            + stderrNote(sent)
            + "; receiver '"
            + receiver.command()
            + "' on "
            + receiver.host()
            + stderrNote(received);
    return new TransferStalledException(message, bytes, stallTimeout);
  }

  static TransferInterruptedException interrupted(
      RunningCommand sender, RunningCommand receiver, long bytes, InterruptedException cause) {
    return new TransferInterruptedException(
        "transfer '"
            + sender.command()
            + "' on "
            + sender.host()
            + " -> '"
            + receiver.command()
            + "' on "
            + receiver.host()
            + " was interrupted after "
            + Units.bytes(bytes)
            + "; both commands were killed",
        bytes,
        cause);
  }

  private static String stderrNote(CommandResult result) {
    String stderr = result.stderr() == null ? "" : result.stderr().strip();
    return stderr.isEmpty() ? "" : " (stderr: " + stderr + ")";
  }
}
