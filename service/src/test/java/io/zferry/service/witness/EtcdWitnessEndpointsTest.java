package io.zferry.service.witness;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import io.zferry.service.control.Witness.Answer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The witness client over real HTTP on loopback: a member that swallows requests (a partition drops
 * its packets) is tried once, not on every request.
 */
class EtcdWitnessEndpointsTest {
  private static final String KEY = EtcdWitness.leaderKey("lab", "tank");
  private static final long LEASE = 7;

  private final List<AutoCloseable> toClose = new ArrayList<>();
  private final AtomicInteger swallowed = new AtomicInteger();

  @AfterEach
  void close() throws Exception {
    for (AutoCloseable c : toClose) {
      c.close();
    }
  }

  /** Accepts connections and never answers, counting them. */
  private URI blackHole() throws IOException {
    ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    List<Socket> held = new ArrayList<>();
    Thread acceptor =
        new Thread(
            () -> {
              while (!server.isClosed()) {
                try {
                  held.add(server.accept());
                  swallowed.incrementAndGet();
                } catch (IOException e) {
                  return;
                }
              }
            });
    acceptor.setDaemon(true);
    acceptor.start();
    toClose.add(server);
    return URI.create("http://127.0.0.1:" + server.getLocalPort());
  }

  /** A member that answers a renewal of lease 7 for node-b. */
  private URI member() throws IOException {
    HttpServer server =
        HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    String holder = Base64.getEncoder().encodeToString("node-b".getBytes(StandardCharsets.UTF_8));
    server.createContext(
        "/v3/lease/keepalive",
        exchange -> reply(exchange, "{\"result\":{\"ID\":\"7\",\"TTL\":\"12\"}}"));
    server.createContext(
        "/v3/kv/range",
        exchange ->
            reply(
                exchange,
                "{\"kvs\":[{\"value\":\"" + holder + "\",\"lease\":\"" + LEASE + "\"}]}"));
    server.start();
    toClose.add(() -> server.stop(0));
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
  }

  private static void reply(com.sun.net.httpserver.HttpExchange exchange, String body)
      throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    exchange.sendResponseHeaders(200, bytes.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(bytes);
    }
  }

  @Test
  void aMemberThatSwallowsRequestsIsTriedOnceThenTheOneThatAnsweredComesFirst() throws Exception {
    EtcdWitness witness =
        new EtcdWitness(List.of(blackHole(), member()), KEY, Duration.ofMillis(300));

    for (int renewal = 0; renewal < 3; renewal++) {
      assertThat(witness.renew("node-b", LEASE)).isEqualTo(new Answer.Granted(LEASE));
    }

    assertThat(swallowed.get())
        .as("three renewals of two requests each reached the silent member only once")
        .isEqualTo(1);
  }
}
