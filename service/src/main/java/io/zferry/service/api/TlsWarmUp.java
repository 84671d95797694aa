package io.zferry.service.api;

import io.zferry.service.config.TlsConfig;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.LongSupplier;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult.HandshakeStatus;
import javax.net.ssl.SSLException;

/**
 * Mutual-TLS handshakes in memory, this node's certificate and key at both ends, before the API
 * opens. A fresh JVM's first handshake loads and interprets the whole TLS stack: on one emulated
 * vCPU it took 13 s, and later ones most of a second, while the peer's heartbeat waits 2 s for its
 * connection. The peer gave up on every handshake (each still costing the starting node its CPU)
 * and reached a freshly started node only minutes later. Run here, the same code (the engines Jetty
 * and the HTTP client use, the same keys and the same pinned-certificate trust) is loaded and
 * compiled by the time the first peer connects, and "ready" means it answers in time.
 *
 * <p>No socket and no session resumption (the client engine names no peer), so each round is a full
 * handshake with both signatures, as a peer's first connection is.
 */
public final class TlsWarmUp {
  /** Handshakes at least, however fast the first: the JIT compiles what ran often. */
  static final int AT_LEAST = 3;

  static final int AT_MOST = 12;

  /** A handshake this fast is warm enough on any machine. */
  static final Duration FAST = Duration.ofMillis(50);

  /** Within one start-up step of systemd's (90 s), whatever the machine. */
  static final Duration BUDGET = Duration.ofSeconds(45);

  // A handshake is a few messages each way; far more rounds means the engines are stuck.
  private static final int MAX_EXCHANGES = 100;

  private TlsWarmUp() {}

  /**
   * What the warm-up did.
   *
   * @param handshakes how many it ran
   * @param first the first one's duration
   * @param last the last one's duration
   * @param total all of them
   */
  public record Result(int handshakes, Duration first, Duration last, Duration total) {
    @Override
    public String toString() {
      return handshakes
          + " handshake(s) in "
          + total.toMillis()
          + " ms, the first "
          + first.toMillis()
          + " ms, the last "
          + last.toMillis()
          + " ms";
    }
  }

  /**
   * Runs handshakes until {@link #goOn} says stop.
   *
   * @param nanoTime a monotonic ticker (normally {@link System#nanoTime})
   * @throws IllegalStateException if a handshake fails (the key and certificate do not match)
   */
  public static Result run(TlsConfig tls, LongSupplier nanoTime) {
    SSLContext context = TlsKeyStore.mutualContext(tls, TlsKeyStore.ownTrust(tls));
    List<Duration> times = new ArrayList<>();
    Duration total = Duration.ZERO;
    do {
      long start = nanoTime.getAsLong();
      handshake(context);
      Duration took = Duration.ofNanos(nanoTime.getAsLong() - start);
      times.add(took);
      total = total.plus(took);
    } while (goOn(times, total));
    return new Result(times.size(), times.get(0), times.get(times.size() - 1), total);
  }

  /**
   * Whether another handshake is worth it: at least {@link #AT_LEAST}, then until one is {@link
   * #FAST}, they stop getting faster (the last not a fifth faster than the best before it), {@link
   * #AT_MOST} ran or {@link #BUDGET} is spent.
   */
  static boolean goOn(List<Duration> times, Duration total) {
    int n = times.size();
    if (total.compareTo(BUDGET) >= 0 || n >= AT_MOST) {
      return false;
    }
    if (n < AT_LEAST) {
      return true;
    }
    Duration last = times.get(n - 1);
    if (last.compareTo(FAST) <= 0) {
      return false;
    }
    Duration bestBefore = times.subList(0, n - 1).stream().min(Duration::compareTo).orElseThrow();
    return last.multipliedBy(5).compareTo(bestBefore.multipliedBy(4)) < 0;
  }

  /** One full handshake between two engines, then a record each way. */
  static void handshake(SSLContext context) {
    SSLEngine client = context.createSSLEngine();
    client.setUseClientMode(true);
    SSLEngine server = context.createSSLEngine();
    server.setUseClientMode(false);
    server.setNeedClientAuth(true);
    int packet = Math.max(client.getSession().getPacketBufferSize(), 1 << 15);
    int app = Math.max(client.getSession().getApplicationBufferSize(), 1 << 15);
    ByteBuffer toServer = ByteBuffer.allocate(packet);
    ByteBuffer toClient = ByteBuffer.allocate(packet);
    ByteBuffer atServer = ByteBuffer.allocate(app);
    ByteBuffer atClient = ByteBuffer.allocate(app);
    try {
      client.beginHandshake();
      server.beginHandshake();
      int exchanges = 0;
      while (handshaking(client) || handshaking(server)) {
        if (++exchanges > MAX_EXCHANGES) {
          throw new IllegalStateException(
              "the TLS warm-up handshake did not finish: client "
                  + client.getHandshakeStatus()
                  + ", server "
                  + server.getHandshakeStatus());
        }
        exchange(client, server, ByteBuffer.allocate(0), toServer, atServer);
        exchange(server, client, ByteBuffer.allocate(0), toClient, atClient);
      }
      // The record layer too: a request and its answer.
      exchange(client, server, text("GET /api/v1/heartbeat"), toServer, atServer);
      exchange(server, client, text("HTTP/1.1 200 OK"), toClient, atClient);
      if (atServer.position() == 0 || atClient.position() == 0) {
        throw new IllegalStateException("the TLS warm-up carried no data after its handshake");
      }
    } catch (SSLException e) {
      throw new IllegalStateException("the TLS warm-up handshake failed: " + e.getMessage(), e);
    }
  }

  /** {@code from} wraps {@code data} (or handshake messages) and {@code to} unwraps them. */
  private static void exchange(
      SSLEngine from, SSLEngine to, ByteBuffer data, ByteBuffer wire, ByteBuffer received)
      throws SSLException {
    from.wrap(data, wire);
    runTasks(from);
    wire.flip();
    while (wire.hasRemaining()) {
      int before = wire.remaining();
      to.unwrap(wire, received);
      runTasks(to);
      if (wire.remaining() == before) {
        break; // a partial record, or nothing this engine takes now
      }
    }
    wire.compact();
  }

  private static boolean handshaking(SSLEngine engine) {
    HandshakeStatus status = engine.getHandshakeStatus();
    return status != HandshakeStatus.NOT_HANDSHAKING && status != HandshakeStatus.FINISHED;
  }

  private static void runTasks(SSLEngine engine) {
    for (Runnable task = engine.getDelegatedTask();
        task != null;
        task = engine.getDelegatedTask()) {
      task.run();
    }
  }

  private static ByteBuffer text(String text) {
    return ByteBuffer.wrap(text.getBytes(StandardCharsets.US_ASCII));
  }
}
