package io.zferry.snapshot.host;

import java.time.Duration;
import java.util.Objects;

/**
 * A running command that reports itself, and its result, as the command it carries out: a redeemed
 * ticket, or {@code ssh} running a command on the peer, is named in errors and logs by what runs
 * there.
 */
public class StandInCommand extends ForwardingRunningCommand {
  private final Command command;

  public StandInCommand(Command command, RunningCommand running) {
    super(running);
    this.command = Objects.requireNonNull(command, "command");
  }

  @Override
  public Command command() {
    return command;
  }

  @Override
  public CommandResult await(Duration timeout) {
    CommandResult result = delegate.await(timeout);
    return new CommandResult(
        result.host(), command, result.exitCode(), result.stdout(), result.stderr());
  }
}
