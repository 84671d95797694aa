package io.zferry.sync.ssh;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.zferry.snapshot.host.Command;
import io.zferry.snapshot.host.CommandResult;
import io.zferry.snapshot.host.HostException;
import io.zferry.snapshot.host.LocalHost;
import io.zferry.snapshot.host.OutputCollector;
import io.zferry.snapshot.host.RunningCommand;
import io.zferry.sync.transfer.StreamTransfer;
import io.zferry.sync.transfer.TransferFailedException;
import io.zferry.sync.transfer.TransferOptions;
import io.zferry.sync.transfer.TransferResult;
import io.zferry.sync.transfer.TransferStalledException;
import io.zferry.sync.transfer.WireCompression;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link SshHost} and {@link StreamTransfer} against a real OpenSSH server started by the test on
 * 127.0.0.1 (see {@link LocalSshd}); runs as root, which the lab machine is.
 */
@Timeout(120)
class SshHostIT {
  private static final long MIB = 1024 * 1024;

  @TempDir static Path dir;
  private static LocalSshd sshd;
  private static Path knownHosts;
  private static SshHost host;

  private final List<AutoCloseable> toClose = new ArrayList<>();

  @BeforeAll
  static void startSshd() throws Exception {
    assumeTrue(LocalSshd.available(), "needs /usr/sbin/sshd, ssh-keygen and root");
    sshd = LocalSshd.start(dir);
    knownHosts = sshd.knownHosts("known_hosts", "node-a " + sshd.hostKey());
    host = new SshHost(sshd.endpoint("node-a", knownHosts));
  }

  @AfterAll
  static void stopSshd() throws Exception {
    if (host != null) {
      host.close();
    }
    if (sshd != null) {
      sshd.close();
      // The server's side of the story, for when a test fails.
      Files.createDirectories(Path.of("target"));
      Files.writeString(Path.of("target", "SshHostIT-sshd.log"), sshd.log());
    }
  }

  @AfterEach
  void closeTestResources() throws Exception {
    for (AutoCloseable closeable : toClose) {
      closeable.close();
    }
  }

  private <T extends AutoCloseable> T closeLater(T closeable) {
    toClose.add(closeable);
    return closeable;
  }

  @Test
  void runsACommandAndReturnsItsOutputAndExitCode() {
    CommandResult result = host.run(Command.of("echo", "hello", "node-b"), Duration.ofSeconds(10));

    assertThat(result.exitCode()).isZero();
    assertThat(result.stdout()).isEqualTo("hello node-b\n");
    assertThat(result.host()).isEqualTo("node-a");
    assertThat(host.isConnected()).isTrue();
  }

  @Test
  void negotiatesAesGcm() {
    host.run(Command.of("true"), Duration.ofSeconds(10));

    assertThat(host.negotiatedCipher()).contains("aes128-gcm@openssh.com");
    System.out.println("negotiated: " + host.negotiatedAlgorithms().orElseThrow());
  }

  @Test
  void reportsANonZeroExitWithStderr() {
    CommandResult result =
        host.run(Command.of("ls", "/nonexistent/zferry-it"), Duration.ofSeconds(10));

    assertThat(result.exitCode()).isEqualTo(2);
    assertThat(result.stderr()).contains("No such file or directory");
    assertThatThrownBy(result::requireSuccess)
        .hasMessageContaining("node-a: 'ls /nonexistent/zferry-it' exited with 2");
  }

  @Test
  void argumentsArriveExactlyAsSent() {
    List<String> argv =
        List.of(
            "echo",
            "tank/data@zf-2025-01-01T00:00:00Z",
            "tank/a#bm",
            "-n",
            "name,guid,createtxg",
            "compression=lz4",
            "+1",
            "--",
            "_.:/@#,=+-");

    CommandResult result = host.run(new Command(argv), Duration.ofSeconds(10));

    // bash's echo stops looking for options at the first operand, so "-n" is printed.
    assertThat(result.stdout()).isEqualTo(String.join(" ", argv.subList(1, argv.size())) + "\n");
  }

  @Test
  void runsCommandsConcurrentlyOnOneConnection() throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(8);
    try {
      List<Future<CommandResult>> results = new ArrayList<>();
      for (int i = 0; i < 16; i++) {
        String word = "w" + i;
        results.add(pool.submit(() -> host.run(Command.of("echo", word), Duration.ofSeconds(20))));
      }
      for (int i = 0; i < 16; i++) {
        assertThat(results.get(i).get().stdout()).isEqualTo("w" + i + "\n");
      }
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void reconnectsAfterTheConnectionDropped() {
    host.run(Command.of("true"), Duration.ofSeconds(10));
    host.dropConnectionForTest();
    assertThat(host.isConnected()).isFalse();

    CommandResult result = host.run(Command.of("echo", "again"), Duration.ofSeconds(10));

    assertThat(result.stdout()).isEqualTo("again\n");
    assertThat(host.isConnected()).isTrue();
  }

  @Test
  void streamsALargeOutputWithBoundedMemory() {
    long size = Long.getLong("zferry.it.streamBytes", 200 * MIB);
    long before = usedHeap();
    long cpuBefore = processCpuNanos();
    long[] whileOpen = {0};

    TransferResult result = pullThroughSsh(size, () -> whileOpen[0] = usedHeap());

    long cpu = processCpuNanos() - cpuBefore;
    long after = usedHeap();
    assertThat(result.bytes()).isEqualTo(size);
    // While open, the channel's receive buffer may grow to twice the 16 MiB window (SshjSetup).
    assertThat(whileOpen[0] - before).as("heap growth with the channel open").isLessThan(48 * MIB);
    assertThat(after - before).as("heap growth once the commands are closed").isLessThan(32 * MIB);
    System.out.printf(
        Locale.ROOT,
        "SSH stream of %d MiB from node-a's `head -c` into a local `wc -c`: %.1f MB/s (%s),"
            + " JVM CPU %.2f s/GB, heap growth %+d KiB with the channel open, %+d KiB after"
            + " closing, cipher %s%n",
        size / MIB,
        result.bytesPerSecond() / 1e6,
        result,
        cpu / 1e9 / (size / 1e9),
        (whileOpen[0] - before) / 1024,
        (after - before) / 1024,
        host.negotiatedCipher().orElse("?"));
  }

  /** Streams {@code size} bytes from the peer into a local `wc -c`; keeps no reference after. */
  private static TransferResult pullThroughSsh(long size, Runnable beforeClosing) {
    try (RunningCommand sender =
            host.start(Command.of("head", "-c", Long.toString(size), "/dev/zero"));
        RunningCommand receiver = new LocalHost("node-b").start(Command.of("wc", "-c"))) {
      OutputCollector count = OutputCollector.drain(receiver.stdout(), "wc stdout");
      TransferResult result =
          new StreamTransfer(
                  Clock.systemUTC(),
                  TransferOptions.defaults().withEstimatedTotalBytes(size),
                  progress -> System.out.println("  " + progress))
              .run(sender, receiver);
      assertThat(count.awaitText().strip()).isEqualTo(Long.toString(size));
      beforeClosing.run();
      return result;
    }
  }

  @Test
  void streamsIntoARemoteCommandAndDeliversEveryByte() {
    long size = 50 * MIB + 12_345; // not a multiple of any packet or buffer size
    RunningCommand sender =
        closeLater(
            new LocalHost("node-b")
                .start(Command.of("head", "-c", Long.toString(size), "/dev/zero")));
    RunningCommand receiver = closeLater(host.start(Command.of("wc", "-c")));
    OutputCollector count = OutputCollector.drain(receiver.stdout(), "remote wc stdout");

    TransferResult result =
        new StreamTransfer(Clock.systemUTC(), TransferOptions.defaults(), p -> {})
            .run(sender, receiver);

    assertThat(result.bytes()).isEqualTo(size);
    // Closing the channel's stdin sent EOF only after the last byte was flushed.
    assertThat(count.awaitText().strip()).isEqualTo(Long.toString(size));
  }

  @Test
  void killingTheRemoteSenderMidStreamFailsPromptlyAndNamesIt() throws Exception {
    // A uniquely named program (a symlink to cat) so that pkill hits only this test's process.
    String name = "zfit" + ThreadLocalRandom.current().nextInt(100_000, 1_000_000);
    Path program = Files.createSymbolicLink(dir.resolve(name), Path.of("/usr/bin/cat"));
    RunningCommand sender = closeLater(host.start(Command.of(program.toString(), "/dev/zero")));
    RunningCommand receiver = closeLater(new LocalHost("node-b").start(Command.of("wc", "-c")));
    OutputCollector.drain(receiver.stdout(), "wc stdout");
    AtomicBoolean killed = new AtomicBoolean();
    long[] killedAt = {0};

    TransferFailedException failure =
        catchThrowableOfType(
            TransferFailedException.class,
            () ->
                new StreamTransfer(
                        Clock.systemUTC(),
                        new TransferOptions(
                            -1,
                            0,
                            Duration.ofSeconds(30),
                            Duration.ofSeconds(30),
                            Duration.ofMillis(100),
                            Duration.ofSeconds(1),
                            Optional.empty(),
                            WireCompression.OFF),
                        progress -> {
                          if (progress.bytesDone() > 20 * MIB
                              && killed.compareAndSet(false, true)) {
                            killedAt[0] = System.nanoTime();
                            // A second channel on the same connection.
                            host.run(
                                    Command.of("pkill", "-KILL", "-x", name),
                                    Duration.ofSeconds(10))
                                .requireSuccess();
                          }
                        })
                    .run(sender, receiver));

    Duration afterKill = Duration.ofNanos(System.nanoTime() - killedAt[0]);
    assertThat(killed).isTrue();
    assertThat(afterKill).isLessThan(Duration.ofSeconds(5));
    assertThat(failure.side()).isEqualTo(TransferFailedException.Side.SENDER);
    assertThat(failure.host()).isEqualTo("node-a");
    // bash execs a single command, so sshd reports the signal and no exit status.
    assertThat(failure.exitCode()).isIn(-1, 137);
    assertThat(failure).hasMessageContaining("sender '" + program + " /dev/zero' on node-a");
    System.out.println(
        "after pkill: " + failure.getMessage() + " (" + afterKill.toMillis() + " ms)");
  }

  @Test
  void killEndsAStreamingRemoteCommandPromptly() {
    // cat blocks writing to its stdout, which nobody reads; the channel close breaks its pipe.
    RunningCommand streaming = closeLater(host.start(Command.of("cat", "/dev/zero")));
    long start = System.nanoTime();

    streaming.kill();
    CommandResult result = streaming.await(Duration.ofSeconds(10));

    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
    assertThat(result.exitCode()).isEqualTo(-1);
    assertThat(result.stderr()).contains("[zferry: ").contains("stopped by zferry");
    assertThatThrownBy(result::requireSuccess).hasMessageContaining("ended without an exit status");
  }

  @Test
  void killReleasesAReaderEvenIfThePeerCannotStopTheCommand() throws Exception {
    // OpenSSH refuses "signal" for root logins and `sleep` does no I/O, so it runs on; the
    // caller must not wait for it.
    RunningCommand sleeper = closeLater(host.start(Command.of("sleep", "12")));
    ExecutorService reader = Executors.newSingleThreadExecutor();
    try {
      Future<Integer> read = reader.submit(() -> sleeper.stdout().read());
      Thread.sleep(300);
      assertThat(read).isNotDone();
      long start = System.nanoTime();

      sleeper.kill();

      assertThat(read.get(5, java.util.concurrent.TimeUnit.SECONDS)).isEqualTo(-1);
      CommandResult result = sleeper.await(Duration.ofSeconds(30));
      assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
      assertThat(result.exitCode()).isEqualTo(-1);
      assertThat(result.stderr()).contains("stopped by zferry");
    } finally {
      reader.shutdownNow();
    }
  }

  /**
   * A caller blocked in a command the peer never finishes (a {@code zfs list} on a node whose ZFS
   * hangs) is released when the host's running commands are ended, and the host goes on.
   */
  @Test
  void abortRunningReleasesACallerBlockedInAHungCommandAndTheHostGoesOn() throws Exception {
    ExecutorService caller = Executors.newSingleThreadExecutor();
    try {
      Future<CommandResult> blocked =
          caller.submit(() -> host.run(Command.of("sleep", "30"), Duration.ofSeconds(60)));
      Thread.sleep(500);
      assertThat(blocked).isNotDone();

      assertThat(host.abortRunning()).isEqualTo(1);

      CommandResult ended = blocked.get(5, java.util.concurrent.TimeUnit.SECONDS);
      assertThat(ended.exitCode()).isEqualTo(-1);
      assertThat(host.abortRunning()).as("nothing left running").isZero();
      assertThat(host.run(Command.of("echo", "on"), Duration.ofSeconds(10)).stdout())
          .isEqualTo("on\n");
    } finally {
      caller.shutdownNow();
    }
  }

  @Test
  void aSilentRemoteSenderIsAStall() {
    RunningCommand sender = closeLater(host.start(Command.of("sleep", "12")));
    RunningCommand receiver = closeLater(new LocalHost("node-b").start(Command.of("cat")));
    long start = System.nanoTime();

    TransferStalledException stall =
        catchThrowableOfType(
            TransferStalledException.class,
            () ->
                new StreamTransfer(
                        Clock.systemUTC(),
                        TransferOptions.defaults().withStallTimeout(Duration.ofMillis(500)),
                        p -> {})
                    .run(sender, receiver));

    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(8));
    assertThat(stall).hasMessageContaining("'sleep 12' on node-a");
  }

  @Test
  void aSignalledCommandReportsTheSignal() {
    // `kill -KILL $$` would need a shell string; a process killing its own process group does not.
    RunningCommand command = closeLater(host.start(Command.of("kill", "-KILL", "0")));

    CommandResult result = command.await(Duration.ofSeconds(10));

    assertThat(result.exitCode()).isEqualTo(-1);
    assertThat(result.stderr()).contains("killed by signal KILL");
  }

  @Test
  void awaitKillsACommandThatOverstaysItsTimeout() {
    RunningCommand sleeper = closeLater(host.start(Command.of("sleep", "12")));

    assertThatThrownBy(() -> sleeper.await(Duration.ofMillis(300)))
        .isInstanceOf(HostException.class)
        .hasMessageContaining("'sleep 12' did not finish within PT0.3S and was killed");
  }

  @Test
  void keepalivesNoticeAPeerThatVanished() throws Exception {
    // A server of its own, frozen with SIGSTOP: no FIN, no RST, no answer, like a dead peer.
    Path own = Files.createDirectories(dir.resolve("frozen"));
    try (LocalSshd frozen = LocalSshd.start(own)) {
      Path hosts = frozen.knownHosts("known_hosts", "node-f " + frozen.hostKey());
      SshSettings quick =
          new SshSettings(
              Duration.ofSeconds(5),
              Duration.ofSeconds(30),
              Duration.ofSeconds(1),
              2,
              SshSettings.DEFAULT_WINDOW_SIZE,
              SshSettings.DEFAULT_SOCKET_RECEIVE_BUFFER,
              SshSettings.DEFAULT_SOCKET_INPUT_BUFFER);
      try (SshHost peer = new SshHost(frozen.endpoint("node-f", hosts), quick)) {
        RunningCommand sleeper = closeLater(peer.start(Command.of("sleep", "12")));
        signal("STOP", frozen);
        try {
          long start = System.nanoTime();

          CommandResult result = sleeper.await(Duration.ofSeconds(30));

          Duration took = Duration.ofNanos(System.nanoTime() - start);
          assertThat(took).isLessThan(Duration.ofSeconds(10));
          assertThat(result.exitCode()).isEqualTo(-1);
          assertThat(result.stderr()).contains("SSH connection lost");
          // sshj wakes the channels a moment before it marks the connection down.
          long deadline = System.nanoTime() + Duration.ofSeconds(2).toNanos();
          while (peer.isConnected() && System.nanoTime() < deadline) {
            Thread.sleep(10);
          }
          assertThat(peer.isConnected()).isFalse();
          System.out.println(
              "vanished peer noticed after " + took.toMillis() + " ms: " + result.stderr());
        } finally {
          signal("CONT", frozen);
        }
      }
    }
  }

  /**
   * A peer that froze after the connection was made (powered off): opening a session waits for the
   * keep-alive to give up (15 s in zferryd). A takeover waited that long for the cancelled pull
   * under Pacemaker; abortRunning ends the wait at once, and the host connects anew afterwards.
   */
  @Test
  void abortRunningEndsASessionBeingOpenedOnAFrozenPeer() throws Exception {
    Path own = Files.createDirectories(dir.resolve("frozen-open"));
    ExecutorService caller = Executors.newSingleThreadExecutor();
    try (LocalSshd frozen = LocalSshd.start(own)) {
      Path hosts = frozen.knownHosts("known_hosts", "node-f " + frozen.hostKey());
      SshHost peer = closeLater(new SshHost(frozen.endpoint("node-f", hosts)));
      assertThat(peer.run(Command.of("true"), Duration.ofSeconds(10)).exitCode()).isZero();
      signal("STOP", frozen);
      try {
        Future<CommandResult> opening =
            caller.submit(() -> peer.run(Command.of("true"), Duration.ofSeconds(60)));
        Thread.sleep(1_000);
        assertThat(opening).as("still waiting for the frozen peer to open a session").isNotDone();
        long start = System.nanoTime();

        assertThat(peer.abortRunning()).isEqualTo(1);

        assertThatThrownBy(() -> opening.get(5, java.util.concurrent.TimeUnit.SECONDS))
            .isInstanceOf(java.util.concurrent.ExecutionException.class)
            .satisfies(
                e ->
                    assertThat(e.getCause())
                        .isInstanceOf(RemoteHostException.class)
                        .hasMessageContaining("was ended"));
        System.out.println(
            "session opening ended "
                + Duration.ofNanos(System.nanoTime() - start).toMillis()
                + " ms after abortRunning");
      } finally {
        signal("CONT", frozen);
      }
      assertThat(peer.run(Command.of("true"), Duration.ofSeconds(10)).exitCode())
          .as("a new connection once the peer answers again")
          .isZero();
    } finally {
      caller.shutdownNow();
    }
  }

  /** Sends a signal to a test server and everything it forked (all started by this test). */
  private static void signal(String signal, LocalSshd server) throws Exception {
    List<String> argv = new ArrayList<>(List.of("kill", "-" + signal));
    argv.add(Long.toString(server.pid()));
    server.descendants().forEach(pid -> argv.add(Long.toString(pid)));
    // Some may have exited meanwhile; kill still signals the others.
    new ProcessBuilder(argv).inheritIO().start().waitFor();
  }

  @Test
  void refusesAChangedHostKeyAndRunsNothing() throws Exception {
    Path marker = dir.resolve("marker-changed-key");
    Path otherKey = dir.resolve("other_host_key");
    LocalSshd.keygen(otherKey, "ed25519");
    String[] other = Files.readString(otherKey.resolveSibling("other_host_key.pub")).split(" ");
    Path wrong = sshd.knownHosts("known_hosts_changed", "node-a " + other[0] + " " + other[1]);
    SshHost impostor = closeLater(new SshHost(sshd.endpoint("node-a", wrong)));

    HostKeyMismatchException mismatch =
        catchThrowableOfType(
            HostKeyMismatchException.class,
            () -> impostor.start(Command.of("touch", marker.toString())));

    assertThat(Files.exists(marker)).isFalse();
    assertThat(impostor.isConnected()).isFalse();
    assertThat(mismatch.knownHostsFile()).isEqualTo(wrong);
    assertThat(mismatch.knownHostsLines()).containsExactly(1);
    assertThat(mismatch.expectedFingerprints()).hasSize(1);
    assertThat(mismatch.offeredFingerprint()).isNotEqualTo(mismatch.expectedFingerprints().get(0));
    assertThat(mismatch)
        .hasMessageContaining("HOST KEY CHANGED for node-a")
        .hasMessageContaining("127.0.0.1:" + sshd.port())
        .hasMessageContaining(wrong.toString());
    System.out.println(mismatch.getMessage());
  }

  @Test
  void refusesAnUnknownHostAndItsSuggestedLineWorks() throws Exception {
    Path empty = sshd.knownHosts("known_hosts_empty");
    SshHost unknown = closeLater(new SshHost(sshd.endpoint("node-a", empty)));

    UnknownHostKeyException refusal =
        catchThrowableOfType(
            UnknownHostKeyException.class,
            () -> unknown.run(Command.of("true"), Duration.ofSeconds(10)));

    assertThat(refusal.suggestedLine()).isEqualTo("node-a " + sshd.hostKey());
    Files.writeString(empty, refusal.suggestedLine() + "\n");
    // The file is read again on the next attempt.
    assertThat(unknown.run(Command.of("true"), Duration.ofSeconds(10)).exitCode()).isZero();
  }

  @Test
  void acceptsAKnownHostsEntryForTheAddressAndPort() throws Exception {
    Path byAddress =
        sshd.knownHosts("known_hosts_address", "[127.0.0.1]:" + sshd.port() + " " + sshd.hostKey());
    SshHost viaAddress = closeLater(new SshHost(sshd.endpoint("node-a", byAddress)));

    assertThat(viaAddress.run(Command.of("true"), Duration.ofSeconds(10)).exitCode()).isZero();
  }

  @Test
  void refusesAnInjectionBeforeConnecting() {
    Path marker = dir.resolve("marker-injection");
    SshHost fresh = closeLater(new SshHost(sshd.endpoint("node-a", knownHosts)));

    assertThatThrownBy(() -> fresh.start(Command.of("echo", "x;touch", marker.toString())))
        .isInstanceOf(InvalidRemoteArgumentException.class)
        .hasMessageContaining("argument 1 'x;touch'");
    assertThatThrownBy(() -> fresh.start(Command.of("echo", "x", ";touch " + marker)))
        .isInstanceOf(InvalidRemoteArgumentException.class);

    assertThat(fresh.isConnected()).isFalse();
    assertThat(Files.exists(marker)).isFalse();
  }

  /**
   * A connect to a peer that accepts TCP but never speaks SSH (a host going down, a hung sshd)
   * would hold its caller for the whole connect time-out; abortRunning ends it at once, as a
   * takeover's stop of the pull loop needs.
   */
  @Test
  void abortRunningEndsAConnectToAPeerThatNeverAnswers() throws Exception {
    ExecutorService caller = Executors.newSingleThreadExecutor();
    try (var silent = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      SshEndpoint mute =
          new SshEndpoint(
              "node-m", "127.0.0.1", silent.getLocalPort(), "root", sshd.clientKey(), knownHosts);
      SshHost host = closeLater(new SshHost(mute));
      Future<CommandResult> connecting =
          caller.submit(() -> host.run(Command.of("true"), Duration.ofSeconds(60)));
      Thread.sleep(1_000);
      assertThat(connecting).as("still waiting for the server's SSH banner").isNotDone();

      assertThat(host.abortRunning()).isEqualTo(1);

      assertThatThrownBy(() -> connecting.get(5, java.util.concurrent.TimeUnit.SECONDS))
          .isInstanceOf(java.util.concurrent.ExecutionException.class)
          .satisfies(
              e ->
                  assertThat(e.getCause())
                      .isInstanceOf(RemoteHostException.class)
                      .hasMessageStartingWith("node-m: SSH 127.0.0.1:" + silent.getLocalPort()));
      assertThat(host.abortRunning()).as("nothing left to end").isZero();
    } finally {
      caller.shutdownNow();
    }
  }

  @Test
  void namesTheNodeAndAddressWhenItCannotConnect() throws Exception {
    int closedPort;
    try (var socket = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      closedPort = socket.getLocalPort();
    }
    SshEndpoint nowhere =
        new SshEndpoint("node-z", "127.0.0.1", closedPort, "root", sshd.clientKey(), knownHosts);
    SshHost unreachable = closeLater(new SshHost(nowhere));

    assertThatThrownBy(() -> unreachable.run(Command.of("true"), Duration.ofSeconds(10)))
        .isInstanceOf(RemoteHostException.class)
        .hasMessageStartingWith("node-z: SSH 127.0.0.1:" + closedPort + ": cannot connect")
        .hasMessageContaining("Connection refused");
  }

  @Test
  void namesTheKeyWhenAuthenticationIsRefused() throws Exception {
    Path stranger = dir.resolve("stranger_ed25519");
    LocalSshd.keygen(stranger, "ed25519");
    SshEndpoint endpoint =
        new SshEndpoint("node-a", "127.0.0.1", sshd.port(), "root", stranger, knownHosts);
    SshHost refused = closeLater(new SshHost(endpoint));

    assertThatThrownBy(() -> refused.run(Command.of("true"), Duration.ofSeconds(10)))
        .isInstanceOf(RemoteHostException.class)
        .hasMessageContaining("refused key authentication as root with " + stranger)
        .hasMessageContaining("authorized_keys");
  }

  @Test
  void authenticatesWithAnRsaKeyToo() throws Exception {
    Path rsa = dir.resolve("client_rsa");
    LocalSshd.keygen(rsa, "rsa");
    Files.writeString(
        dir.resolve("authorized_keys"),
        Files.readString(rsa.resolveSibling("client_rsa.pub")),
        java.nio.file.StandardOpenOption.APPEND);
    SshEndpoint endpoint =
        new SshEndpoint("node-a", "127.0.0.1", sshd.port(), "root", rsa, knownHosts);
    SshHost rsaHost = closeLater(new SshHost(endpoint));

    assertThat(rsaHost.run(Command.of("echo", "rsa"), Duration.ofSeconds(10)).stdout())
        .isEqualTo("rsa\n");
  }

  @Test
  void aClosedHostRefusesNewCommands() {
    SshHost closing = new SshHost(sshd.endpoint("node-a", knownHosts));
    closing.run(Command.of("true"), Duration.ofSeconds(10));
    closing.close();

    assertThat(closing.isConnected()).isFalse();
    assertThatThrownBy(() -> closing.start(Command.of("true")))
        .isInstanceOf(HostException.class)
        .hasMessageContaining("was closed");
  }

  private static long usedHeap() {
    Runtime runtime = Runtime.getRuntime();
    for (int i = 0; i < 3; i++) {
      System.gc();
    }
    return runtime.totalMemory() - runtime.freeMemory();
  }

  private static long processCpuNanos() {
    var bean = java.lang.management.ManagementFactory.getOperatingSystemMXBean();
    if (bean instanceof com.sun.management.OperatingSystemMXBean os) {
      return os.getProcessCpuTime();
    }
    return 0;
  }
}
