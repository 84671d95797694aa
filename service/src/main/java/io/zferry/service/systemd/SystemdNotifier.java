package io.zferry.service.systemd;

import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The sd_notify protocol of a {@code Type=notify} service: {@code READY=1} once the daemon serves,
 * {@code WATCHDOG=1} after every round of the loop that must not stall, {@code STOPPING=1} on
 * shutdown, and {@code STATUS=} one-liners for {@code systemctl status}. Without {@code
 * NOTIFY_SOCKET} (not started by systemd, or {@code Type=simple}) every call does nothing, and
 * without {@code WATCHDOG_USEC} no watchdog ping is sent.
 *
 * <p>Notification failures are logged, never thrown: systemd not listening must not stop the daemon
 * (if it is waiting for READY, its start timeout tells the operator).
 */
public final class SystemdNotifier implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(SystemdNotifier.class);

  /** Opens the transport to the socket that {@code NOTIFY_SOCKET} names. */
  @FunctionalInterface
  public interface Transports {
    NotifyTransport open(String notifySocket) throws IOException;
  }

  private final NotifyTransport transport; // null: systemd is not listening
  private final Duration watchdogPeriod; // null: no watchdog
  private final Clock clock;
  private Instant lastPing; // guarded by this
  private boolean failing; // guarded by this

  SystemdNotifier(NotifyTransport transport, Duration watchdogPeriod, Clock clock) {
    this.transport = transport;
    this.watchdogPeriod = watchdogPeriod;
    this.clock = clock;
  }

  /** A notifier that sends nothing. */
  public static SystemdNotifier disabled() {
    return new SystemdNotifier(null, null, Clock.systemUTC());
  }

  /**
   * Reads {@code NOTIFY_SOCKET}, {@code WATCHDOG_USEC} and {@code WATCHDOG_PID} as sd_notify(3) and
   * sd_watchdog_enabled(3) do: the watchdog applies only if {@code WATCHDOG_PID} is absent or names
   * this process; its period is {@code WATCHDOG_USEC}.
   *
   * @param pid this process's id
   */
  public static SystemdNotifier fromEnvironment(
      Map<String, String> env, long pid, Transports transports, Clock clock) {
    String socket = env.get("NOTIFY_SOCKET");
    if (socket == null || socket.isEmpty()) {
      return disabled();
    }
    NotifyTransport transport;
    try {
      transport = transports.open(socket);
    } catch (IOException | RuntimeException | LinkageError e) {
      log.error(
          "cannot notify systemd at NOTIFY_SOCKET={}: {}; systemd will not see this daemon as"
              + " started (with Type=notify it times out); run it with Type=simple instead",
          socket,
          e.toString());
      return disabled();
    }
    return new SystemdNotifier(transport, watchdogPeriod(env, pid).orElse(null), clock);
  }

  static Optional<Duration> watchdogPeriod(Map<String, String> env, long pid) {
    String usec = env.get("WATCHDOG_USEC");
    if (usec == null || usec.isEmpty()) {
      return Optional.empty();
    }
    String forPid = env.get("WATCHDOG_PID");
    if (forPid != null && !forPid.isEmpty() && !forPid.equals(Long.toString(pid))) {
      return Optional.empty(); // the watchdog is some other process's (such as a wrapper's)
    }
    long micros;
    try {
      micros = Long.parseLong(usec);
    } catch (NumberFormatException e) {
      log.warn("WATCHDOG_USEC={} is not a number of microseconds; no watchdog pings", usec);
      return Optional.empty();
    }
    if (micros <= 0) {
      return Optional.empty();
    }
    return Optional.of(Duration.ofNanos(micros * 1000));
  }

  /** Whether systemd listens; if not, every other method does nothing. */
  public boolean enabled() {
    return transport != null;
  }

  /** systemd's watchdog period ({@code WatchdogSec=}), if systemd watches this process. */
  public Optional<Duration> watchdogPeriod() {
    return Optional.ofNullable(watchdogPeriod);
  }

  /** The daemon serves: API listening, state store open, services started. */
  public void ready(String status) {
    send("READY=1\nSTATUS=" + oneLine(status));
  }

  public void status(String status) {
    send("STATUS=" + oneLine(status));
  }

  /**
   * A start-up step begins: its status, and systemd's start timeout pushed to {@code within} from
   * now ({@code EXTEND_TIMEOUT_USEC}), so a slow machine gets the time each step needs while a step
   * that hangs still ends in a timeout. systemd never shortens its own timeout for this.
   */
  public void startupStep(String status, Duration within) {
    long micros = micros(within);
    send("STATUS=" + oneLine(status) + "\nEXTEND_TIMEOUT_USEC=" + micros);
  }

  /**
   * A last step of stopping that no heartbeat round pings through: systemd's stop timeout ({@code
   * EXTEND_TIMEOUT_USEC}) and, if it watches, its watchdog ({@code WATCHDOG_USEC}, systemd 236 and
   * later) are pushed to {@code within} from now. Only once every loop of the daemon has stopped:
   * nothing is left that the watchdog guards (a frozen control loop keeping its VIPs).
   */
  public void stopStep(String status, Duration within) {
    long micros = micros(within);
    send(
        "STATUS="
            + oneLine(status)
            + "\nEXTEND_TIMEOUT_USEC="
            + micros
            + (watchdogPeriod == null ? "" : "\nWATCHDOG_USEC=" + micros));
  }

  public void stopping(String status) {
    send("STOPPING=1\nSTATUS=" + oneLine(status));
  }

  /**
   * Called after each round of a loop that must never stall (the heartbeat): pings the watchdog, at
   * most once per twelfth of its period (1 s of WatchdogSec=12s). So a wedged loop stops the pings
   * and systemd restarts the daemon, while a loop that runs pings within one round, however its
   * rounds vary: pinging only once half the period had passed left a round just under half of it
   * unpinged, and a slower round after it ran past the whole period.
   *
   * @return whether a ping was sent
   */
  public boolean watchdog() {
    if (transport == null || watchdogPeriod == null) {
      return false;
    }
    Instant now = clock.instant();
    synchronized (this) {
      if (lastPing != null
          && now.isAfter(lastPing)
          && now.isBefore(lastPing.plus(watchdogPeriod.dividedBy(12)))) {
        return false;
      }
      lastPing = now;
    }
    send("WATCHDOG=1");
    return true;
  }

  private synchronized void send(String message) {
    if (transport == null) {
      return;
    }
    try {
      transport.send(message);
      if (failing) {
        log.info("notifying systemd works again");
        failing = false;
      }
    } catch (IOException | RuntimeException e) {
      // Logged once per run of failures: the heartbeat would repeat it every second.
      if (!failing) {
        log.warn("cannot notify systemd ({}): {}", message.replace('\n', ' '), e.toString());
        failing = true;
      }
    }
  }

  /** At least 1: systemd reads 0 as "no time-out" or ignores it. */
  private static long micros(Duration duration) {
    return Math.max(1, duration.toNanos() / 1000);
  }

  /** STATUS is one line; a newline would end the field and start another assignment. */
  private static String oneLine(String text) {
    return text.replaceAll("\\s*[\\r\\n]+\\s*", " ").strip();
  }

  @Override
  public synchronized void close() {
    if (transport != null) {
      transport.close();
    }
  }
}
