package io.zferry.sync.ssh;

import io.zferry.snapshot.host.Command;
import io.zferry.snapshot.host.CommandResult;
import io.zferry.snapshot.host.Host;
import io.zferry.snapshot.host.HostException;
import io.zferry.snapshot.host.LocalLaunch;
import io.zferry.snapshot.host.RunningCommand;
import io.zferry.snapshot.host.StandInCommand;
import io.zferry.sync.serve.SessionProtocol;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A peer whose {@code zferry serve} keeps one session open ({@link SessionProtocol}): commands run
 * to completion go through it, and a streaming command (a send) is checked by it and then started
 * as a one-time ticket, so the peer starts one JVM per connection instead of one per command.
 *
 * <p>One request at a time uses the session; a command that arrives while it is busy, or when the
 * peer has no sessions (an older zferry, a key without the forced command), runs as a plain command
 * of {@code ssh}, as before. A peer without sessions is asked again after {@link #RETRY_AFTER}, so
 * an upgraded peer is used fully without a restart. A session that breaks or times out is closed:
 * the command in it fails as a plain one would, and the next request opens a new session.
 */
public final class SessionHost implements Host {
  private static final Logger log = LoggerFactory.getLogger(SessionHost.class);
  static final Duration RETRY_AFTER = Duration.ofMinutes(10);
  private static final Duration OPEN_TIMEOUT = Duration.ofSeconds(60);
  private static final Duration TICKET_TIMEOUT = Duration.ofSeconds(60);

  /** The exit status of a refused command, as a plain one reports it (zferry serve's REFUSED). */
  private static final int REFUSED_STATUS = 77;

  private static final ScheduledExecutorService WATCHDOG =
      Executors.newSingleThreadScheduledExecutor(
          r -> {
            Thread thread = new Thread(r, "serve-session-watchdog");
            thread.setDaemon(true);
            return thread;
          });

  private final Host ssh;
  private final Host streams;
  private final Clock clock;
  private final ReentrantLock lock = new ReentrantLock();
  // Opened and replaced under lock; read without it by abortRunning and hasSession.
  private volatile Session session;
  private volatile Instant noSessionsUntil = Instant.MIN;

  public SessionHost(Host ssh) {
    this(ssh, ssh, Clock.systemUTC());
  }

  public SessionHost(Host ssh, Clock clock) {
    this(ssh, ssh, clock);
  }

  /**
   * @param streams redeems the tickets of streaming commands: {@code ssh} itself, or an {@link
   *     OpenSshHost} so the bytes are decrypted outside the JVM
   */
  public SessionHost(Host ssh, Host streams, Clock clock) {
    this.ssh = Objects.requireNonNull(ssh, "ssh");
    this.streams = Objects.requireNonNull(streams, "streams");
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  @Override
  public String name() {
    return ssh.name();
  }

  @Override
  public CommandResult run(Command command, Duration timeout) {
    String line = RemoteArguments.commandLine(command);
    if (!lock.tryLock()) {
      return ssh.run(command, timeout);
    }
    try {
      return inSession(s -> Optional.of(s.run(command, line, timeout)))
          .orElseGet(() -> ssh.run(command, timeout));
    } finally {
      lock.unlock();
    }
  }

  @Override
  public RunningCommand start(Command command) {
    Optional<String> ticket = ticket(command);
    if (ticket.isEmpty()) {
      return ssh.start(command);
    }
    return new StandInCommand(command, streams.start(redeem(ticket.get())));
  }

  /**
   * A streaming command checked by the session, redeemed by a process of this machine when the
   * stream client launches one (OpenSSH); empty otherwise, and then {@link #start} runs it.
   */
  @Override
  public Optional<LocalLaunch> launch(Command command) {
    if (!streams.launchesLocally()) {
      return Optional.empty();
    }
    Optional<String> ticket = ticket(command);
    if (ticket.isEmpty()) {
      return streams.launch(command);
    }
    return streams
        .launch(redeem(ticket.get()))
        .map(l -> l.adoptedBy(redeemed -> new StandInCommand(command, redeemed)));
  }

  @Override
  public boolean launchesLocally() {
    return streams.launchesLocally();
  }

  /**
   * The session's ticket for a streaming command; empty when the session is busy, the peer has
   * none, or it refused the command (which then runs as a plain one and is refused the usual way).
   */
  private Optional<String> ticket(Command command) {
    String line = RemoteArguments.commandLine(command);
    if (!lock.tryLock()) {
      return Optional.empty();
    }
    try {
      return inSession(s -> s.ticket(command, line));
    } finally {
      lock.unlock();
    }
  }

  private static Command redeem(String ticket) {
    return new Command(List.of(SessionProtocol.REDEEM, ticket));
  }

  /**
   * {@code request} in the open session (under {@link #lock}); empty when the peer has none. A
   * session that broke by itself is replaced and the request sent again, once: nothing the policy
   * allows writes. If no new one can be opened, why (the connection, the host key) is what the
   * caller sees.
   */
  private <T> Optional<T> inSession(Function<Session, Optional<T>> request) {
    Optional<Session> open = session();
    if (open.isEmpty()) {
      return Optional.empty();
    }
    try {
      return request.apply(open.get());
    } catch (SessionBroke e) {
      log.info("{}: {}; opening a new session", name(), e.getMessage());
      return session().flatMap(request);
    }
  }

  @Override
  public int abortRunning() {
    Session inUse = session;
    int ended = 0;
    if (inUse != null && inUse.busy) {
      inUse.abort();
      ended++;
    }
    ended += ssh.abortRunning();
    return streams == ssh ? ended : ended + streams.abortRunning();
  }

  @Override
  public void close() {
    lock.lock();
    try {
      if (session != null) {
        session.close();
        session = null;
      }
    } finally {
      lock.unlock();
    }
    ssh.close();
    if (streams != ssh) {
      streams.close();
    }
  }

  /** Whether a session is open now (for tests and the status). */
  public boolean hasSession() {
    Session open = session;
    return open != null && !open.closed;
  }

  /** The open session, opening one if the peer has them; empty to run a plain command. */
  private Optional<Session> session() {
    if (session != null && !session.closed) {
      return Optional.of(session);
    }
    session = null;
    if (clock.instant().isBefore(noSessionsUntil)) {
      return Optional.empty();
    }
    RunningCommand channel = ssh.start(new Command(SessionProtocol.OPEN));
    Session opened = new Session(channel);
    String refusal = opened.awaitReady();
    if (refusal != null) {
      noSessionsUntil = clock.instant().plus(RETRY_AFTER);
      log.info(
          "{}: its zferry serve keeps no session ({}); each command starts one there",
          name(),
          refusal);
      return Optional.empty();
    }
    log.info("{}: zferry serve session open: one JVM there for every command", name());
    session = opened;
    return Optional.of(opened);
  }

  /** One open session channel; used under {@link #lock} only (but closed from anywhere). */
  private final class Session {
    private final RunningCommand channel;
    private final DataInputStream in;
    private final OutputStream out;
    private volatile boolean closed;
    private volatile boolean busy;
    private volatile boolean aborted;

    Session(RunningCommand channel) {
      this.channel = channel;
      this.in = new DataInputStream(channel.stdout());
      this.out = channel.stdin();
    }

    /** Null once the server said it is ready; otherwise why there is no session. */
    String awaitReady() {
      ScheduledFuture<?> watchdog = killAfter(OPEN_TIMEOUT);
      try {
        byte[] expected = (SessionProtocol.READY + "\n").getBytes(StandardCharsets.US_ASCII);
        byte[] got = new byte[expected.length];
        in.readFully(got);
        if (Arrays.equals(got, expected)) {
          return null;
        }
      } catch (IOException e) {
        // Described below, from the exit status and stderr.
      } finally {
        watchdog.cancel(false);
      }
      // An older serve refuses the command (77), a shell without the forced command has no such
      // program (127): either way it has ended; anything else is ended now.
      String why;
      try {
        CommandResult result = channel.await(Duration.ofSeconds(5));
        String stderr = result.stderr().strip();
        why = "exit " + result.exitCode() + (stderr.isEmpty() ? "" : ": " + firstLine(stderr));
      } catch (HostException e) {
        why = "no session answer: " + e.getMessage();
      }
      close();
      return why;
    }

    CommandResult run(Command command, String line, Duration timeout) {
      ByteArrayOutputStream stdout = new ByteArrayOutputStream();
      String stderr = "";
      for (SessionProtocol.Frame frame : request(command, SessionProtocol.RUN + line, timeout)) {
        switch (frame.kind()) {
          case SessionProtocol.STDOUT -> stdout.writeBytes(frame.payload());
          case SessionProtocol.STDERR -> stderr = frame.text();
          case SessionProtocol.REFUSED -> {
            return new CommandResult(name(), command, REFUSED_STATUS, "", frame.text() + "\n");
          }
          case SessionProtocol.EXIT -> {
            return new CommandResult(
                name(),
                command,
                frame.exitStatus(),
                stdout.toString(StandardCharsets.UTF_8),
                stderr);
          }
          default -> throw new HostException(name(), "unknown session frame " + frame.kind());
        }
      }
      throw new IllegalStateException("a session answer ends with its last frame");
    }

    /** The ticket for a checked command; empty if the session refused it. */
    Optional<String> ticket(Command command, String line) {
      List<SessionProtocol.Frame> answer =
          request(command, SessionProtocol.TICKET_REQUEST + line, TICKET_TIMEOUT);
      SessionProtocol.Frame last = answer.get(answer.size() - 1);
      if (last.kind() == SessionProtocol.TICKET && SessionProtocol.isTicketId(last.text())) {
        return Optional.of(last.text());
      }
      // Refused: the plain command gets the same refusal, reported the usual way.
      return Optional.empty();
    }

    /** Sends one request and reads its answer up to its last frame. */
    private List<SessionProtocol.Frame> request(Command command, String request, Duration timeout) {
      busy = true;
      AtomicBoolean expired = new AtomicBoolean();
      ScheduledFuture<?> watchdog =
          WATCHDOG.schedule(
              () -> {
                expired.set(true);
                close();
              },
              Math.max(1, timeout.toMillis()),
              TimeUnit.MILLISECONDS);
      try {
        out.write((request + "\n").getBytes(StandardCharsets.UTF_8));
        out.flush();
        List<SessionProtocol.Frame> frames = new ArrayList<>();
        while (true) {
          SessionProtocol.Frame frame = SessionProtocol.read(in);
          frames.add(frame);
          if (frame.kind() == SessionProtocol.EXIT
              || frame.kind() == SessionProtocol.TICKET
              || frame.kind() == SessionProtocol.REFUSED) {
            return frames;
          }
        }
      } catch (IOException e) {
        close();
        if (expired.get()) {
          throw new HostException(
              name(), "'" + command + "' did not end within " + timeout + " (session closed)", e);
        }
        if (aborted) {
          throw new HostException(name(), "'" + command + "' was ended: the node gave up", e);
        }
        throw new SessionBroke(
            name(),
            "the zferry serve session broke during '" + command + "': " + e.getMessage(),
            e);
      } finally {
        watchdog.cancel(false);
        busy = false;
      }
    }

    private ScheduledFuture<?> killAfter(Duration timeout) {
      return WATCHDOG.schedule(this::close, Math.max(1, timeout.toMillis()), TimeUnit.MILLISECONDS);
    }

    /** Ends the session on purpose (the node gives up on the peer): no request is retried. */
    void abort() {
      aborted = true;
      close();
    }

    void close() {
      closed = true;
      channel.kill();
      channel.close();
    }
  }

  /** A session that ended by itself (not by a time-out or an abort): a new one may be tried. */
  private static final class SessionBroke extends HostException {
    SessionBroke(String host, String message, Throwable cause) {
      super(host, message, cause);
    }
  }

  private static String firstLine(String text) {
    int newline = text.indexOf('\n');
    return newline < 0 ? text : text.substring(0, newline);
  }
}
