package io.zferry.service.failover;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * Whether the peer machine is up, independent of zferryd: its sshd sends an identification line
 * ({@code SSH-2.0-...}) as soon as a client connects. No login is attempted, so the probe costs the
 * peer nothing and needs no credentials. The connect and the banner share one time-out: the probe
 * is part of a heartbeat round, whose length systemd's watchdog bounds.
 */
public final class SshBannerProbe {
  private static final int MAX_BANNER_BYTES = 255;

  private final String address;
  private final int port;
  private final Duration timeout;

  public SshBannerProbe(String address, int port, Duration timeout) {
    this.address = address;
    this.port = port;
    this.timeout = timeout;
  }

  public boolean answers() {
    long deadline = System.nanoTime() + timeout.toNanos();
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress(address, port), millisLeft(deadline));
      InputStream in = socket.getInputStream();
      byte[] banner = new byte[MAX_BANNER_BYTES];
      int length = 0;
      while (length < 4) {
        socket.setSoTimeout(millisLeft(deadline));
        int read = in.read(banner, length, banner.length - length);
        if (read < 0) {
          return false;
        }
        length += read;
      }
      return new String(banner, 0, 4, StandardCharsets.US_ASCII).equals("SSH-");
    } catch (IOException e) {
      return false;
    }
  }

  /** At least 1 ms: a time-out of 0 would mean none at all. */
  private static int millisLeft(long deadline) {
    return (int) Math.max(1, (deadline - System.nanoTime()) / 1_000_000);
  }
}
