package io.zferry.service.systemd;

import static org.assertj.core.api.Assertions.assertThat;

import io.zferry.lab.Lab;
import io.zferry.service.api.auth.TokenFile;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.ServerSocket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.newsclub.net.unix.AFUNIXDatagramSocket;
import org.newsclub.net.unix.AFUNIXSocketAddress;

/**
 * The real bin/zferryd speaks systemd's notify protocol to a datagram socket that this test binds
 * in systemd's place: READY=1 once its API answers, WATCHDOG=1 after heartbeat rounds, STOPPING=1
 * on SIGTERM. No lab and no ZFS: the node has no services, and its peer's addresses are on
 * loopback, where nothing answers.
 */
class SystemdNotifyIT {
  private static final Duration WATCHDOG = Duration.ofSeconds(2);

  private final Path repo =
      Path.of(System.getProperty(Lab.SCRIPT_PROPERTY)).getParent().getParent().getParent();

  /** One datagram from zferryd, and when it came. */
  private record Message(String text, long nanos) {}

  @Test
  void readyOnceTheApiAnswersThenWatchdogPingsAndStoppingOnSigterm(@TempDir Path dir)
      throws Exception {
    Path socketPath = dir.resolve("notify");
    try (AFUNIXDatagramSocket systemd = AFUNIXDatagramSocket.newInstance()) {
      systemd.bind(AFUNIXSocketAddress.of(socketPath));
      Daemon daemon = start(dir, socketPath.toString());
      try {
        List<Message> messages = new ArrayList<>();
        Message ready = receiveUntil(systemd, messages, "READY=1", Duration.ofSeconds(90), daemon);
        // READY=1 means serving: the API must answer the moment it arrives.
        HttpResponse<String> status = daemon.apiStatus();
        assertThat(status.statusCode()).as(status.body()).isEqualTo(200);
        assertThat(ready.text()).contains("STATUS=serving 0 service(s) as node node-a");
        assertThat(messages.get(0).text()).startsWith("STATUS=starting");

        // The heartbeat runs every 200 ms (its peer refuses at once); the pings come after its
        // rounds but at most every twelfth of WATCHDOG_USEC (2 s / 12): some 4 s / 200 ms = 20.
        List<Message> window = new ArrayList<>();
        receiveFor(systemd, window, Duration.ofSeconds(4), daemon);
        messages.addAll(window);
        assertThat(count(window, "WATCHDOG=1")).as(window.toString()).isBetween(8L, 24L);

        daemon.process.destroy(); // SIGTERM, as systemctl stop sends
        Message stopping =
            receiveUntil(systemd, messages, "STOPPING=1", Duration.ofSeconds(30), daemon);
        assertThat(stopping.text()).contains("STATUS=stopping");
        assertThat(daemon.process.waitFor(30, TimeUnit.SECONDS)).isTrue();
      } finally {
        daemon.process.destroyForcibly();
      }
    }
  }

  @Test
  void anAbstractNotifySocketIsReachedToo(@TempDir Path dir) throws Exception {
    String name = "zferry-notify-it-" + UUID.randomUUID();
    try (AFUNIXDatagramSocket systemd = AFUNIXDatagramSocket.newInstance()) {
      byte[] abstractName = ("\0" + name).getBytes(StandardCharsets.UTF_8);
      systemd.bind(AFUNIXSocketAddress.of(abstractName));
      Daemon daemon = start(dir, "@" + name);
      try {
        receiveUntil(systemd, new ArrayList<>(), "READY=1", Duration.ofSeconds(90), daemon);
        assertThat(daemon.apiStatus().statusCode()).isEqualTo(200);
      } finally {
        daemon.process.destroyForcibly();
        daemon.process.waitFor(30, TimeUnit.SECONDS);
      }
    }
  }

  private record Daemon(Process process, int apiPort, String cliToken, Path log) {
    HttpResponse<String> apiStatus() throws IOException, InterruptedException {
      HttpRequest request =
          HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + apiPort + "/api/v1/status"))
              .header("Authorization", "Bearer " + cliToken)
              .timeout(Duration.ofSeconds(5))
              .build();
      return HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.ofString());
    }

    String logText() {
      try {
        return Files.readString(log);
      } catch (IOException e) {
        return e.toString();
      }
    }
  }

  private Daemon start(Path dir, String notifySocket) throws Exception {
    Path tokens = dir.resolve("api-tokens");
    TokenFile.add(tokens, "peer", new SecureRandom());
    String cliToken = TokenFile.add(tokens, "cli", new SecureRandom()).token().secret();
    int apiPort = freePort();
    Path config = dir.resolve("zferry.yaml");
    Files.writeString(
        config,
        String.join(
            "\n",
            "cluster:",
            "  name: it",
            "  heartbeatInterval: 200ms",
            "  heartbeatTimeout: 1s",
            "nodes:",
            "  - name: node-a",
            "    address: 127.0.0.1",
            "    apiPort: " + apiPort,
            "  - name: node-b",
            "    address: 127.0.0.2", // loopback: nothing listens on its ports
            "    apiPort: " + freePort(),
            "    sshPort: " + freePort(),
            "api:",
            "  bindAddress: 127.0.0.1",
            "  tokensFile: " + tokens,
            "  tls: off",
            "state:",
            "  database: " + dir.resolve("state.db"),
            ""));
    Path log = dir.resolve("zferryd.log");
    ProcessBuilder builder =
        new ProcessBuilder(
                repo.resolve("bin/zferryd").toString(),
                "--config",
                config.toString(),
                "--node",
                "node-a")
            .redirectErrorStream(true)
            .redirectOutput(log.toFile());
    builder.environment().put("NOTIFY_SOCKET", notifySocket);
    builder.environment().put("WATCHDOG_USEC", Long.toString(WATCHDOG.toNanos() / 1000));
    return new Daemon(builder.start(), apiPort, cliToken, log);
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }

  private static long count(List<Message> messages, String text) {
    return messages.stream().filter(m -> m.text().equals(text)).count();
  }

  /** Receives until a message containing {@code line} as one of its lines; returns it. */
  private static Message receiveUntil(
      AFUNIXDatagramSocket socket,
      List<Message> messages,
      String line,
      Duration timeout,
      Daemon daemon)
      throws IOException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      Message message = receive(socket, daemon);
      if (message == null) {
        continue;
      }
      messages.add(message);
      if (message.text().lines().anyMatch(line::equals)) {
        return message;
      }
    }
    throw new AssertionError(
        "no " + line + " within " + timeout + "; got " + messages + "; log:\n" + daemon.logText());
  }

  private static void receiveFor(
      AFUNIXDatagramSocket socket, List<Message> messages, Duration duration, Daemon daemon)
      throws IOException {
    long deadline = System.nanoTime() + duration.toNanos();
    while (System.nanoTime() < deadline) {
      Message message = receive(socket, daemon);
      if (message != null) {
        messages.add(message);
      }
    }
  }

  private static Message receive(AFUNIXDatagramSocket socket, Daemon daemon) throws IOException {
    if (!daemon.process().isAlive() && daemon.process().exitValue() != 143) {
      throw new AssertionError(
          "zferryd exited with " + daemon.process().exitValue() + "; log:\n" + daemon.logText());
    }
    byte[] buffer = new byte[4096];
    DatagramPacket packet = new DatagramPacket(buffer, buffer.length);
    socket.setSoTimeout(500);
    try {
      socket.receive(packet);
    } catch (SocketTimeoutException e) {
      return null;
    }
    return new Message(
        new String(packet.getData(), 0, packet.getLength(), StandardCharsets.UTF_8),
        System.nanoTime());
  }
}
