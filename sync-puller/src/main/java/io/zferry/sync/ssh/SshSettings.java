package io.zferry.sync.ssh;

import java.time.Duration;
import java.util.Objects;

/**
 * Timeouts and buffer sizes of an SSH connection. {@link #defaults()} holds the values measured in
 * the lab (lab notes, "sshj (0.40.0) versus the OpenSSH client"); the other constructor exists for
 * tests that need quicker failure detection.
 *
 * @param connectTimeout TCP connect
 * @param operationTimeout key exchange, authentication, opening a channel, and how long a write to
 *     a remote command may wait for it to read (sshj then fails the write); at least the transfer
 *     stall timeout, so that the stall watchdog is the one that decides
 * @param keepAliveInterval how often a keepalive request is sent on an idle or busy connection
 * @param keepAliveMaxMissed unanswered keepalives after which the peer counts as gone, so a
 *     vanished peer is noticed after about {@code interval × (maxMissed + 1)}
 * @param windowSize the SSH channel window we grant the server (bytes in flight per channel)
 * @param socketReceiveBuffer the TCP receive buffer (SO_RCVBUF)
 * @param socketInputBuffer the buffer between the socket and sshj's packet reader
 */
public record SshSettings(
    Duration connectTimeout,
    Duration operationTimeout,
    Duration keepAliveInterval,
    int keepAliveMaxMissed,
    long windowSize,
    int socketReceiveBuffer,
    int socketInputBuffer) {

  public static final long DEFAULT_WINDOW_SIZE = 16L * 1024 * 1024;
  public static final int DEFAULT_SOCKET_RECEIVE_BUFFER = 4 * 1024 * 1024;
  public static final int DEFAULT_SOCKET_INPUT_BUFFER = 256 * 1024;

  public SshSettings {
    requirePositive("connectTimeout", connectTimeout);
    requirePositive("operationTimeout", operationTimeout);
    requirePositive("keepAliveInterval", keepAliveInterval);
    if (keepAliveInterval.toSeconds() < 1) {
      // sshj counts keepalive intervals in whole seconds.
      throw new IllegalArgumentException("keepAliveInterval must be at least 1 s");
    }
    if (keepAliveMaxMissed < 1) {
      throw new IllegalArgumentException("keepAliveMaxMissed must be at least 1");
    }
    // The SSH protocol carries window sizes as uint32.
    if (windowSize < 64 * 1024 || windowSize > 0xFFFF_FFFFL) {
      throw new IllegalArgumentException("windowSize must be between 64 KiB and 4 GiB - 1");
    }
    if (socketReceiveBuffer < 1 || socketInputBuffer < 1) {
      throw new IllegalArgumentException("socket buffer sizes must be positive");
    }
  }

  public static SshSettings defaults() {
    return new SshSettings(
        Duration.ofSeconds(10),
        Duration.ofSeconds(60),
        Duration.ofSeconds(5),
        3,
        DEFAULT_WINDOW_SIZE,
        DEFAULT_SOCKET_RECEIVE_BUFFER,
        DEFAULT_SOCKET_INPUT_BUFFER);
  }

  private static void requirePositive(String name, Duration value) {
    Objects.requireNonNull(value, name);
    if (value.isNegative() || value.isZero()) {
      throw new IllegalArgumentException(name + " must be positive, got " + value);
    }
  }
}
