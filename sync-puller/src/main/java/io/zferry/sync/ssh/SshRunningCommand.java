package io.zferry.sync.ssh;

import io.zferry.snapshot.host.Command;
import io.zferry.snapshot.host.CommandResult;
import io.zferry.snapshot.host.HostException;
import io.zferry.snapshot.host.OutputCollector;
import io.zferry.snapshot.host.RunningCommand;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BooleanSupplier;
import net.schmizz.sshj.connection.ConnectionException;
import net.schmizz.sshj.connection.channel.direct.Session;
import net.schmizz.sshj.connection.channel.direct.Signal;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A command running in one SSH session channel.
 *
 * <p>Killing is harder than locally. OpenSSH refuses the "signal" request for root logins (they run
 * without post-auth privilege separation), and it keeps a session channel open until the command
 * exits. So {@link #kill()} sends SIGKILL where the server accepts it, then a channel close on
 * which sshd closes the command's pipes: a command streaming through them ({@code zfs send}, {@code
 * zfs recv}) dies of SIGPIPE or ends on EOF; one doing no I/O runs on until it ends on its own.
 * Either way the caller is released at once: threads blocked on this command's streams are woken
 * (they read EOF), and {@link #await} waits only a short grace for the peer to confirm. sshj's own
 * way to abandon a channel is not used, because the server's late packets for a forgotten channel
 * make sshj drop the whole connection.
 */
final class SshRunningCommand implements RunningCommand {
  private static final Logger log = LoggerFactory.getLogger(SshRunningCommand.class);

  static final int STDERR_TAIL_BYTES = 16 * 1024;

  /** How long one wait on the channel lasts before the command's kill is looked at again. */
  private static final long JOIN_SLICE_MILLIS = 200;

  /** How long to wait for the rest of stderr once the channel closed. */
  private static final long STDERR_GRACE_MILLIS = 2_000;

  /** How long {@link #await} waits for the peer to confirm the end of a killed command. */
  private static final Duration KILLED_GRACE = Duration.ofSeconds(2);

  private final String host;
  private final Command command;
  private final Session.Command channel;
  private final BooleanSupplier connectionIsUp;
  private final Object lock = new Object();
  private final Set<Thread> blocked = new HashSet<>(); // guarded by lock
  private final Set<Thread> interrupted = new HashSet<>(); // guarded by lock
  private boolean killed; // guarded by lock
  private final InputStream stdout;
  private final OutputStream stdin;
  private final OutputCollector stderr;

  SshRunningCommand(
      String host, Command command, Session.Command channel, BooleanSupplier connectionIsUp) {
    this.host = host;
    this.command = command;
    this.channel = channel;
    this.connectionIsUp = connectionIsUp;
    this.stdout = new KillableInput(channel.getInputStream());
    this.stdin = new KillableOutput(channel.getOutputStream());
    // stdout and stderr share one channel window: stderr must be drained or a chatty command
    // would stop stdout too.
    this.stderr =
        OutputCollector.tail(
            new KillableInput(channel.getErrorStream()),
            host + " " + command.program() + " stderr",
            STDERR_TAIL_BYTES);
  }

  @Override
  public Command command() {
    return command;
  }

  @Override
  public String host() {
    return host;
  }

  /** The command's stdin; closing it sends EOF after every written byte was sent. */
  @Override
  public OutputStream stdin() {
    return stdin;
  }

  /** The command's stdout; reads EOF once the command was killed. */
  @Override
  public InputStream stdout() {
    return stdout;
  }

  @Override
  public String stderrSoFar() {
    return stderr.snapshotText();
  }

  /**
   * Waits for the channel to close. The exit status arrives before the close; a channel that closes
   * without one (the process died of a signal, the peer or the connection went away, {@link
   * #kill()} ran) reports -1 with a bracketed note at the end of stderr saying which, since {@link
   * CommandResult} has no field for a signal.
   */
  @Override
  public CommandResult await(Duration timeout) {
    ConnectionException failure = joinUntilEndOrKilled(timeout);
    Integer status = channel.getExitStatus();
    if (status == null && channel.isOpen() && !isKilled() && connectionIsUp.getAsBoolean()) {
      kill();
      throw new HostException(
          host, "'" + command + "' did not finish within " + timeout + " and was killed");
    }
    String errors = stderr.awaitText(STDERR_GRACE_MILLIS);
    if (status != null) {
      return new CommandResult(host, command, status, "", errors);
    }
    return new CommandResult(host, command, -1, "", withNote(errors, missingStatusReason(failure)));
  }

  /**
   * Waits for the channel to close, in short slices so that a {@link #kill()} from another thread
   * (the peer is given up on) cuts the wait to {@link #KILLED_GRACE}: sshj's join is not woken by a
   * kill the server does not carry out. Returns the connection's failure, or the time-out's.
   */
  private ConnectionException joinUntilEndOrKilled(Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    boolean graceApplied = false;
    ConnectionException failure = null;
    while (true) {
      if (!graceApplied && isKilled()) {
        deadline = Math.min(deadline, System.nanoTime() + KILLED_GRACE.toNanos());
        graceApplied = true;
      }
      long left = deadline - System.nanoTime();
      if (left <= 0) {
        return failure;
      }
      try {
        channel.join(
            Math.max(1, Math.min(JOIN_SLICE_MILLIS, left / 1_000_000)), TimeUnit.MILLISECONDS);
        return null;
      } catch (ConnectionException e) {
        if (!isTimeout(e)) {
          return e;
        }
        failure = e;
      }
    }
  }

  private String missingStatusReason(ConnectionException failure) {
    List<String> reasons = new ArrayList<>();
    Signal signal = channel.getExitSignal();
    if (signal != null) {
      reasons.add(
          "killed by signal "
              + signal
              + (Boolean.TRUE.equals(channel.getExitWasCoreDumped()) ? " (core dumped)" : ""));
    }
    String message = channel.getExitErrorMessage();
    if (message != null && !message.isBlank()) {
      reasons.add(message.strip());
    }
    if (isKilled()) {
      reasons.add(
          channel.isOpen()
              ? "stopped by zferry; the peer has not confirmed its end"
              : "stopped by zferry");
    }
    // sshj wakes the channel before it marks the connection down, so the channel's own error
    // (anything but join's timeout) is the surer sign.
    if (failure != null && !isTimeout(failure)) {
      reasons.add("SSH connection lost: " + SshHost.describe(failure));
    } else if (!connectionIsUp.getAsBoolean()) {
      reasons.add("SSH connection lost");
    }
    if (reasons.isEmpty()) {
      reasons.add("the channel closed without an exit status");
    }
    return String.join("; ", reasons);
  }

  private static boolean isTimeout(Throwable failure) {
    for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (t instanceof TimeoutException) {
        return true;
      }
    }
    return false;
  }

  private static String withNote(String stderr, String note) {
    String separator = stderr.isEmpty() || stderr.endsWith("\n") ? "" : "\n";
    return stderr + separator + "[zferry: " + note + "]";
  }

  /**
   * Ends the command as far as SSH allows (see the class comment) and releases every thread blocked
   * on its streams. Returns at once; safe to call more than once.
   */
  @Override
  public void kill() {
    synchronized (lock) {
      if (killed) {
        return;
      }
      killed = true;
      for (Thread thread : blocked) {
        interrupted.add(thread);
        thread.interrupt();
      }
    }
    try {
      if (channel.isOpen()) {
        channel.signal(Signal.KILL);
      }
    } catch (IOException | RuntimeException e) {
      log.debug("{}: could not send SIGKILL to '{}': {}", host, command, e.toString());
    }
    // sshj's close waits for the server's reply, which OpenSSH sends only once the command has
    // exited; the caller must not wait that long.
    Thread closer =
        new Thread(
            () -> {
              try {
                channel.close();
              } catch (IOException | RuntimeException ignored) {
                // The channel or the connection is already gone.
              }
            },
            "ssh-close " + host);
    closer.setDaemon(true);
    closer.start();
  }

  @Override
  public void close() {
    if (channel.isOpen()) {
      kill();
    }
  }

  /** Whether the command may still run: its channel is open and it was not killed. */
  boolean isRunning() {
    return channel.isOpen() && !isKilled();
  }

  private boolean isKilled() {
    synchronized (lock) {
      return killed;
    }
  }

  /** Registers the calling thread as blocked on a stream; false if already killed. */
  private boolean enter() {
    synchronized (lock) {
      if (killed) {
        return false;
      }
      blocked.add(Thread.currentThread());
      return true;
    }
  }

  /** Unregisters the calling thread and clears an interrupt that {@link #kill()} sent it. */
  private void leave() {
    synchronized (lock) {
      Thread self = Thread.currentThread();
      blocked.remove(self);
      if (interrupted.remove(self)) {
        Thread.interrupted();
      }
    }
  }

  /** A channel input that {@link #kill()} can unblock; reads EOF once killed. */
  private final class KillableInput extends InputStream {
    private final InputStream in;

    KillableInput(InputStream in) {
      this.in = in;
    }

    @Override
    public int read() throws IOException {
      byte[] one = new byte[1];
      int n = read(one, 0, 1);
      return n < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      if (len == 0) {
        // As InputStream says; sshj's channel stream would wait for data first.
        return 0;
      }
      if (!enter()) {
        return -1;
      }
      try {
        return in.read(b, off, len);
      } catch (InterruptedIOException e) {
        if (isKilled()) {
          return -1;
        }
        throw e;
      } finally {
        leave();
      }
    }

    @Override
    public int available() throws IOException {
      return isKilled() ? 0 : in.available();
    }

    @Override
    public void close() {
      // Closing sshj's channel input would refuse the server's remaining data and drop the whole
      // connection; the channel's own close ends it.
    }
  }

  /**
   * A channel output that {@link #kill()} can unblock (a write waiting for window space), and whose
   * close sends EOF only after flushing. sshj 0.40 flushes on close without waiting for window
   * space, so a last chunk that did not fit the server's window would be dropped and the peer would
   * see a truncated stream. Closing after the command ended is not an error.
   */
  private final class KillableOutput extends OutputStream {
    private final OutputStream out;
    private boolean closed; // guarded by this

    KillableOutput(OutputStream out) {
      this.out = out;
    }

    @Override
    public void write(int b) throws IOException {
      write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public synchronized void write(byte[] b, int off, int len) throws IOException {
      if (closed) {
        throw new IOException("stdin of '" + command + "' on " + host + " is closed");
      }
      guarded(() -> out.write(b, off, len));
    }

    @Override
    public synchronized void flush() throws IOException {
      guarded(out::flush);
    }

    @Override
    public synchronized void close() throws IOException {
      if (closed) {
        return;
      }
      closed = true;
      if (!channel.isOpen() || isKilled()) {
        return;
      }
      try {
        guarded(
            () -> {
              out.flush();
              out.close();
            });
      } catch (IOException e) {
        if (channel.isOpen() && !isKilled()) {
          throw e;
        }
      }
    }

    private void guarded(IoAction action) throws IOException {
      if (!enter()) {
        throw killedException();
      }
      try {
        action.run();
      } catch (IOException e) {
        if (isKilled()) {
          throw killedException();
        }
        throw e;
      } finally {
        leave();
      }
    }

    private IOException killedException() {
      return new IOException("'" + command + "' on " + host + " was killed");
    }
  }

  @FunctionalInterface
  private interface IoAction {
    void run() throws IOException;
  }
}
