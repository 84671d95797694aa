package io.zferry.fakes;

import io.zferry.snapshot.host.CommandResult;
import io.zferry.snapshot.host.RunningCommand;
import io.zferry.snapshot.zfs.ReceiveSpec;
import io.zferry.snapshot.zfs.SendSpec;
import io.zferry.snapshot.zfs.Zfs;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.time.Duration;

/**
 * {@code zfs send | zfs receive} between two {@link Zfs} hosts in one thread, for tests and the
 * simulator that do not need zferry's own transfer: copies the stream, closes the receiver's input
 * and returns both results (a failure is a result, not an exception).
 */
public final class FakeTransfer {
  private FakeTransfer() {}

  /** Both sides' results and the bytes that reached the receiver. */
  public record Result(CommandResult sent, CommandResult received, long bytes) {
    public boolean succeeded() {
      return sent.succeeded() && received.succeeded();
    }
  }

  public static Result run(Zfs from, SendSpec send, Zfs to, ReceiveSpec receive) {
    try (RunningCommand sender = from.send(send);
        RunningCommand receiver = to.receive(receive)) {
      return pipe(sender, receiver);
    }
  }

  public static Result pipe(RunningCommand sender, RunningCommand receiver) {
    long bytes = 0;
    byte[] buffer = new byte[64 * 1024];
    InputStream in = sender.stdout();
    OutputStream out = receiver.stdin();
    try {
      for (int n; (n = in.read(buffer)) >= 0; ) {
        try {
          out.write(buffer, 0, n);
        } catch (IOException brokenPipe) {
          sender.kill();
          break;
        }
        bytes += n;
      }
      try {
        out.close();
      } catch (IOException ignored) {
        // the receiver is gone; its result says why
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    CommandResult sent = sender.await(Duration.ofSeconds(1));
    CommandResult received = receiver.await(Duration.ofSeconds(1));
    return new Result(sent, received, bytes);
  }
}
