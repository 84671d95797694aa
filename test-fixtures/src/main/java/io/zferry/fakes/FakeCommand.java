package io.zferry.fakes;

import io.zferry.snapshot.host.Command;
import io.zferry.snapshot.host.CommandResult;
import io.zferry.snapshot.host.RunningCommand;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Duration;
import java.util.function.Function;

/**
 * A {@link RunningCommand} of the fake: a send is a finished stream on stdout with a known exit
 * status; a receive collects its stdin and applies it when the input ends or the command is killed
 * (as a killed {@code zfs receive} keeps what it completed, and with {@code -s} its partial state).
 */
final class FakeCommand implements RunningCommand {
  /** The outcome of a command: its exit status and standard error. */
  record Outcome(int exitCode, String stderr) {
    static final Outcome OK = new Outcome(0, "");

    static Outcome failed(String stderr) {
      return new Outcome(1, stderr);
    }
  }

  private final String host;
  private final Command command;
  private final InputStream stdout;
  private final Input stdin;
  private Outcome outcome;
  private final Function<byte[], Outcome> onInput;

  private FakeCommand(
      String host,
      Command command,
      byte[] output,
      Outcome outcome,
      long inputLimit,
      Function<byte[], Outcome> onInput) {
    this.host = host;
    this.command = command;
    this.stdout = new ByteArrayInputStream(output);
    this.outcome = outcome;
    this.onInput = onInput;
    this.stdin = new Input(inputLimit);
  }

  /** A command whose output and outcome are known at once, such as {@code zfs send}. */
  static FakeCommand producing(String host, Command command, byte[] output, Outcome outcome) {
    return new FakeCommand(host, command, output, outcome, Long.MAX_VALUE, null);
  }

  /**
   * A command that consumes its input, such as {@code zfs receive}; {@code inputLimit} bytes after
   * which it dies (a killed receiver), {@code Long.MAX_VALUE} for none.
   */
  static FakeCommand consuming(
      String host, Command command, long inputLimit, Function<byte[], Outcome> onInput) {
    return new FakeCommand(host, command, new byte[0], null, inputLimit, onInput);
  }

  @Override
  public Command command() {
    return command;
  }

  @Override
  public String host() {
    return host;
  }

  @Override
  public OutputStream stdin() {
    return stdin;
  }

  @Override
  public InputStream stdout() {
    return stdout;
  }

  @Override
  public synchronized CommandResult await(Duration timeout) {
    finishInput();
    return new CommandResult(host, command, outcome.exitCode(), "", outcome.stderr());
  }

  @Override
  public synchronized void kill() {
    if (onInput != null) {
      finishInput();
    } else if (stdout.markSupported() && safeAvailable() > 0) {
      outcome = new Outcome(-1, "");
    }
  }

  @Override
  public void close() {
    kill();
  }

  private int safeAvailable() {
    try {
      return stdout.available();
    } catch (IOException e) {
      return 0;
    }
  }

  private synchronized void finishInput() {
    if (outcome == null) {
      Outcome result = onInput.apply(stdin.bytes.toByteArray());
      outcome = stdin.died ? new Outcome(-1, result.stderr()) : result;
    }
  }

  /** Collects input up to a limit, past which the command is gone (a broken pipe). */
  private final class Input extends OutputStream {
    final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    final long limit;
    boolean died;

    Input(long limit) {
      this.limit = limit;
    }

    @Override
    public void write(int b) throws IOException {
      write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
      synchronized (FakeCommand.this) {
        if (outcome != null || died) {
          throw new IOException("Broken pipe");
        }
        long room = limit - bytes.size();
        if (len > room) {
          bytes.write(b, off, (int) Math.max(0, room));
          died = true;
          finishInput();
          throw new IOException("Broken pipe");
        }
        bytes.write(b, off, len);
      }
    }

    @Override
    public void close() {
      if (onInput != null) {
        finishInput();
      }
    }
  }
}
