package io.zferry.sync.transfer;

import io.zferry.snapshot.host.CommandFailedException;
import io.zferry.snapshot.host.CommandResult;
import java.util.List;

/**
 * One side of a transfer failed: its command exited non-zero or without an exit status, or the
 * stream broke on its side. The message names that side's host, argv, exit code and stderr, then
 * what became of the other side. The cause is a {@link CommandFailedException} for the failed
 * command (its stderr can be classified, e.g. by {@code ZfsCommandException.classify}).
 */
public final class TransferFailedException extends TransferException {
  private static final long serialVersionUID = 1L;

  /** Which end of the stream failed. */
  public enum Side {
    /** The command whose stdout was read, e.g. {@code zfs send}. */
    SENDER,
    /** The command whose stdin was written, e.g. {@code zfs recv}. */
    RECEIVER;

    String word() {
      return this == SENDER ? "sender" : "receiver";
    }

    Side other() {
      return this == SENDER ? RECEIVER : SENDER;
    }
  }

  private final Side side;
  private final String host;
  private final List<String> argv;
  private final int exitCode;
  private final String stderr;

  TransferFailedException(
      Side side, CommandResult failed, String problem, CommandResult other, long bytesDone) {
    super(
        describe(side, failed, problem, other, bytesDone),
        bytesDone,
        new CommandFailedException(
            failed.host(), failed.command(), failed.exitCode(), failed.stderr()));
    this.side = side;
    this.host = failed.host();
    this.argv = failed.command().argv();
    this.exitCode = failed.exitCode();
    this.stderr = failed.stderr();
  }

  private static String describe(
      Side side, CommandResult failed, String problem, CommandResult other, long bytesDone) {
    return "transfer failed after "
        + Units.bytes(bytesDone)
        + ": "
        + side.word()
        + " "
        + summary(failed)
        + (problem == null ? "" : " (" + problem + ")")
        + "; "
        + side.other().word()
        + " "
        + summary(other);
  }

  private static String summary(CommandResult result) {
    String status =
        result.exitCode() < 0
            ? "ended without an exit status"
            : result.exitCode() == 0 ? "exited 0" : "exited with " + result.exitCode();
    String stderr = result.stderr() == null ? "" : result.stderr().strip();
    return "'"
        + result.command()
        + "' on "
        + result.host()
        + " "
        + status
        + (stderr.isEmpty() ? "" : ": " + stderr);
  }

  public Side side() {
    return side;
  }

  /** Host of the failed side. */
  public String host() {
    return host;
  }

  /** argv of the failed side. */
  public List<String> argv() {
    return argv;
  }

  /** Exit code of the failed side; -1 if it ended without one. */
  public int exitCode() {
    return exitCode;
  }

  /** The end of the failed side's stderr. */
  public String stderr() {
    return stderr;
  }
}
