package io.zferry.service.witness;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * Real etcd members (Debian's {@code etcd-server}) on 127.0.0.1 ports, each in a data directory of
 * its own, for the witness adapter's integration tests.
 */
final class EtcdMembers implements AutoCloseable {
  private static final Path ETCD = Path.of("/usr/bin/etcd");

  private final Path dir;
  private final List<URI> clientUrls = new ArrayList<>();
  private final List<Process> processes = new ArrayList<>();
  private final List<List<String>> commands = new ArrayList<>();

  EtcdMembers(int count) throws IOException, InterruptedException {
    if (!Files.isExecutable(ETCD)) {
      throw new IllegalStateException(ETCD + " is missing: run bin/setup (package etcd-server)");
    }
    dir = Files.createTempDirectory("zferry-etcd-");
    List<Integer> peerPorts = new ArrayList<>();
    List<String> initial = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      clientUrls.add(URI.create("http://127.0.0.1:" + freePort()));
      peerPorts.add(freePort());
      initial.add("m" + i + "=http://127.0.0.1:" + peerPorts.get(i));
    }
    for (int i = 0; i < count; i++) {
      String peer = "http://127.0.0.1:" + peerPorts.get(i);
      commands.add(
          List.of(
              ETCD.toString(),
              "--name",
              "m" + i,
              "--data-dir",
              dir.resolve("m" + i).toString(),
              "--listen-client-urls",
              clientUrls.get(i).toString(),
              "--advertise-client-urls",
              clientUrls.get(i).toString(),
              "--listen-peer-urls",
              peer,
              "--initial-advertise-peer-urls",
              peer,
              "--initial-cluster",
              String.join(",", initial),
              "--initial-cluster-state",
              "new",
              "--log-level",
              "warn"));
      processes.add(null);
      start(i);
    }
    for (int i = 0; i < count; i++) {
      awaitHealthy(i);
    }
  }

  List<URI> clientUrls() {
    return List.copyOf(clientUrls);
  }

  /** SIGKILL of one member: a crash, nothing flushed beyond what etcd already made durable. */
  void kill(int member) throws InterruptedException {
    processes.get(member).destroyForcibly().waitFor();
  }

  /**
   * SIGSTOP of one member: its port still accepts connections (the kernel does), but nothing
   * answers, as with a member stalled on its disk or cut off mid-election.
   */
  void freeze(int member) throws IOException, InterruptedException {
    signal(member, "STOP");
  }

  void thaw(int member) throws IOException, InterruptedException {
    signal(member, "CONT");
  }

  private void signal(int member, String signal) throws IOException, InterruptedException {
    Process kill =
        new ProcessBuilder("kill", "-" + signal, Long.toString(processes.get(member).pid()))
            .inheritIO()
            .start();
    if (kill.waitFor() != 0) {
      throw new IOException("kill -" + signal + " of etcd member " + member + " failed");
    }
  }

  /** Starts a member, or restarts one that was killed; one that runs is left as it is. */
  void start(int member) throws IOException {
    Process running = processes.get(member);
    if (running != null && running.isAlive()) {
      // A second etcd on the same ports and data directory would exit at once, and this list
      // would then name a dead process instead of the member that runs.
      return;
    }
    processes.set(
        member,
        new ProcessBuilder(commands.get(member))
            .redirectErrorStream(true)
            .redirectOutput(dir.resolve("m" + member + ".log").toFile())
            .start());
  }

  /**
   * A member that is not the leader (etcd's own metric {@code etcd_server_is_leader}): killing it
   * needs no election, so the others answer at once.
   */
  int follower() throws IOException, InterruptedException {
    HttpClient http = HttpClient.newHttpClient();
    for (int i = 0; i < clientUrls.size(); i++) {
      String metrics =
          http.send(
                  HttpRequest.newBuilder(clientUrls.get(i).resolve("/metrics"))
                      .timeout(Duration.ofSeconds(2))
                      .build(),
                  HttpResponse.BodyHandlers.ofString())
              .body();
      if (metrics.lines().anyMatch(l -> l.equals("etcd_server_is_leader 0"))) {
        return i;
      }
    }
    throw new IllegalStateException("every etcd member says it leads; see " + dir);
  }

  void awaitHealthy(int member) throws InterruptedException {
    HttpClient http = HttpClient.newHttpClient();
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (System.nanoTime() < deadline) {
      try {
        HttpResponse<String> health =
            http.send(
                HttpRequest.newBuilder(clientUrls.get(member).resolve("/health"))
                    .timeout(Duration.ofSeconds(2))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
        if (health.body().contains("\"health\":\"true\"")) {
          return;
        }
      } catch (IOException e) {
        // not listening yet
      }
      Thread.sleep(200);
    }
    throw new IllegalStateException("etcd member m" + member + " is not healthy; see " + dir);
  }

  @Override
  public void close() throws IOException, InterruptedException {
    for (Process process : processes) {
      if (process != null) {
        process.destroyForcibly().waitFor();
      }
    }
    try (Stream<Path> files = Files.walk(dir)) {
      for (Path path : files.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(path);
      }
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }
}
