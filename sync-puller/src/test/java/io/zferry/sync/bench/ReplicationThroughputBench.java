package io.zferry.sync.bench;

import io.zferry.snapshot.host.Command;
import io.zferry.snapshot.host.Host;
import io.zferry.snapshot.host.LocalHost;
import io.zferry.snapshot.host.LocalLaunch;
import io.zferry.snapshot.host.RunningCommand;
import io.zferry.snapshot.zfs.CliZfs;
import io.zferry.snapshot.zfs.DatasetName;
import io.zferry.snapshot.zfs.PropertyName;
import io.zferry.snapshot.zfs.ReceiveSpec;
import io.zferry.snapshot.zfs.SendFlags;
import io.zferry.snapshot.zfs.SendSpec;
import io.zferry.snapshot.zfs.SnapshotName;
import io.zferry.snapshot.zfs.Zfs;
import io.zferry.sync.ssh.OpenSshHost;
import io.zferry.sync.ssh.SessionHost;
import io.zferry.sync.ssh.SshEndpoint;
import io.zferry.sync.ssh.SshHost;
import io.zferry.sync.ssh.SshSettings;
import io.zferry.sync.transfer.PipedTransfer;
import io.zferry.sync.transfer.StreamRelay;
import io.zferry.sync.transfer.StreamTransfer;
import io.zferry.sync.transfer.TransferOptions;
import io.zferry.sync.transfer.TransferResult;
import io.zferry.sync.transfer.WireCodec;
import io.zferry.sync.transfer.WireCompression;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One pull of a snapshot the way the passive's puller does it: {@code zfs send} on the peer,
 * checked by its zferry serve session and streamed by the stream client ({@code --client openssh},
 * the default, or {@code sshj}), joined to a local {@code zfs recv} by pipes through pv ({@link
 * PipedTransfer}) or copied by the JVM ({@link StreamTransfer}: {@code openssh-copy}, {@code
 * sshj}). Run inside a lab node by {@code bench/replication-throughput}; writes {@code seconds},
 * {@code bytes}, the CPU ({@code jvm-cpu}, {@code master-cpu}, {@code stream-cpu}: the JVM, its
 * children and OpenSSH's master from the stream's start), {@code heap} and {@code cipher} lines to
 * the report file. The time and the CPU start once the serve session is open, as a running zferryd
 * has it.
 */
public final class ReplicationThroughputBench {
  private ReplicationThroughputBench() {}

  public static void main(String[] args) throws IOException {
    String peer = "node-a";
    String snapshot = null;
    String target = null;
    Path report = null;
    Path key = Path.of("/root/.ssh/id_ed25519");
    Path knownHosts = Path.of("/root/.ssh/known_hosts");
    String client = "openssh";
    Path relay = StreamRelay.WITH_LARGE_PIPES;
    String compression = "auto";
    String wire = "plain (the JVM copies)";
    for (int i = 0; i < args.length; i += 2) {
      String value = args[i + 1];
      switch (args[i]) {
        case "--peer" -> peer = value;
        case "--snapshot" -> snapshot = value;
        case "--target" -> target = value;
        case "--report" -> report = Path.of(value);
        case "--compression" -> compression = value;
        case "--key" -> key = Path.of(value);
        case "--known-hosts" -> knownHosts = Path.of(value);
        case "--client" -> client = value;
        case "--relay" -> relay = Path.of(value);
        default -> throw new IllegalArgumentException("unknown option " + args[i]);
      }
    }
    if (snapshot == null || target == null || report == null) {
      throw new IllegalArgumentException("--snapshot, --target and --report are required");
    }

    Runtime runtime = Runtime.getRuntime();
    System.gc();
    long heapBefore = runtime.totalMemory() - runtime.freeMemory();
    long cpuBefore = processCpuNanos();
    double treeBefore = 0;
    long start = System.nanoTime();

    SshEndpoint endpoint = new SshEndpoint(peer, peer, 22, "root", key, knownHosts);
    TransferResult result;
    String cipher;
    double masterCpu = 0;
    SshHost connection = new SshHost(endpoint);
    Path sshDirectory = OpenSshHost.temporaryDirectory(peer);
    OpenSshHost openSsh =
        new OpenSshHost(
            endpoint,
            SshSettings.defaults(),
            connection::trustedHostKey,
            new LocalHost("local"),
            OpenSshHost.DEFAULT_PROGRAM,
            sshDirectory);
    // As zferryd does: one zferry serve session checks the send, whose ticket the stream client
    // redeems (ssh.streamClient).
    Host streams =
        switch (client) {
          case "openssh", "openssh-copy" -> openSsh;
          case "sshj" -> connection;
          default ->
              throw new IllegalArgumentException("--client is openssh, openssh-copy or sshj");
        };
    // openssh: as zferryd with pv installed, ssh joined to zfs recv by pipes through pv;
    // openssh-copy: the JVM copies ssh's output into zfs recv (zferryd without pv).
    boolean piped = client.equals("openssh");
    if (streams != openSsh) {
      // Not used: its directory goes now, as SessionHost's close removes it when it is.
      openSsh.close();
    }
    try (SessionHost source = new SessionHost(connection, streams, Clock.systemUTC())) {
      Zfs sourceZfs = new CliZfs(source);
      Zfs targetZfs = new CliZfs(new LocalHost("local"));
      // A running zferryd has its connection and serve session open: what is measured from here
      // is what one stream costs.
      String dataset = snapshot.substring(0, snapshot.indexOf('@'));
      sourceZfs.exists(DatasetName.of(dataset));
      if (streams == openSsh) {
        // And OpenSSH's shared connection, which outlives a pull (ControlPersist 10 min, longer
        // than the pull interval): a stream in a running zferryd costs a channel, no handshake.
        openSsh
            .run(Command.of("zfs", "list", "-H", "-o", "name", dataset), Duration.ofSeconds(60))
            .requireSuccess();
      }
      System.gc();
      cpuBefore = processCpuNanos();
      treeBefore = treeCpuSeconds();
      start = System.nanoTime();
      SendSpec send = new SendSpec.Full(SnapshotName.parse(snapshot), SendFlags.PLAIN);
      ReceiveSpec receive = ReceiveSpec.into(DatasetName.of(target));
      if (piped) {
        // As zferryd chooses (PipedStreams): what ZFS says of the data, then the policy.
        WireCompression policy =
            new WireCompression(
                WireCompression.Mode.parse(compression),
                Files.isExecutable(Path.of(WireCodec.ZSTD.decoderProgram())),
                Clock.systemUTC());
        DatasetName sourceDataset = DatasetName.of(dataset);
        Optional<WireCompression.SourceFacts> facts =
            policy.wantsFacts(sourceDataset, false)
                ? sourceZfs
                    .getProperty(sourceDataset, PropertyName.of("compression"))
                    .map(
                        c ->
                            WireCompression.SourceFacts.of(
                                c,
                                sourceZfs.getProperty(
                                    sourceDataset, PropertyName.of("compressratio"))))
                : Optional.empty();
        WireCompression.Choice choice =
            policy.choose(sourceDataset, false, send.flags().compressed(), facts);
        wire = (choice.codec().isPresent() ? "zstd" : "plain") + " (" + choice.why() + ")";
        LocalLaunch receiving = targetZfs.receiveLaunch(receive).orElseThrow();
        LocalLaunch sending =
            sourceZfs
                .sendLaunch(
                    send, choice.codec().map(c -> List.of(c.remoteWord())).orElse(List.of()))
                .orElseThrow();
        result =
            new PipedTransfer(
                    Clock.systemUTC(),
                    TransferOptions.defaults(),
                    new StreamRelay(relay),
                    progress -> {})
                .run(sending, choice.codec(), receiving, (sender, receiver) -> Optional.empty());
      } else {
        try (RunningCommand sender = sourceZfs.send(send);
            RunningCommand receiver = targetZfs.receive(receive)) {
          result =
              new StreamTransfer(Clock.systemUTC(), TransferOptions.defaults(), progress -> {})
                  .run(sender, receiver);
        }
      }
      cipher = connection.negotiatedCipher().orElse("unknown");
      if (streams == openSsh) {
        // OpenSSH's shared connection runs detached from this JVM: its CPU is counted here.
        masterCpu = masterCpuSeconds(endpoint, sshDirectory.resolve("control"));
        cipher = "openssh";
      }
    }

    double seconds = (System.nanoTime() - start) / 1e9;
    long cpuNanos = processCpuNanos() - cpuBefore;
    double treeCpu = treeCpuSeconds() - treeBefore;
    long heapPeak = runtime.totalMemory() - runtime.freeMemory();
    System.gc();
    long heapAfter = runtime.totalMemory() - runtime.freeMemory();

    List<String> lines = new ArrayList<>();
    lines.add(String.format("seconds %.3f", seconds));
    lines.add("bytes " + result.bytes());
    lines.add("wire-bytes " + result.wireBytes());
    lines.add("wire " + wire);
    lines.add(String.format("jvm-cpu %.3f", cpuNanos / 1e9));
    lines.add(String.format("master-cpu %.3f", masterCpu));
    lines.add(String.format("stream-cpu %.3f", treeCpu + masterCpu));
    lines.add(
        String.format(
            "heap before %.1f MiB, after %.1f MiB, seen before GC %.1f MiB",
            heapBefore / 1048576.0, heapAfter / 1048576.0, heapPeak / 1048576.0));
    lines.add("cipher " + cipher);
    Files.write(report, lines);
  }

  /** CPU seconds of the OpenSSH master behind {@code socket} ({@code ssh -O check} names it). */
  private static double masterCpuSeconds(SshEndpoint endpoint, Path socket) throws IOException {
    Process check =
        new ProcessBuilder(
                "ssh",
                "-F",
                "/dev/null",
                "-o",
                "ControlPath=" + socket,
                "-O",
                "check",
                "--",
                endpoint.address())
            .redirectErrorStream(true)
            .start();
    String said = new String(check.getInputStream().readAllBytes());
    Matcher pid = Pattern.compile("pid=(\\d+)").matcher(said);
    if (!pid.find()) {
      throw new IOException("no OpenSSH master behind " + socket + ": " + said.strip());
    }
    String stat = Files.readString(Path.of("/proc", pid.group(1), "stat"));
    String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
    // utime and stime are fields 14 and 15 of stat, 12 and 13 after the command name.
    long ticks = Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
    return ticks / 100.0;
  }

  /**
   * CPU seconds of this JVM and of its children that ended (ssh, pv, zfs recv): utime, stime,
   * cutime and cstime of /proc/self/stat.
   */
  private static double treeCpuSeconds() throws IOException {
    String stat = Files.readString(Path.of("/proc/self/stat"));
    String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
    long ticks = 0;
    for (int field = 11; field <= 14; field++) {
      ticks += Long.parseLong(fields[field]);
    }
    return ticks / 100.0;
  }

  private static long processCpuNanos() {
    if (ManagementFactory.getOperatingSystemMXBean()
        instanceof com.sun.management.OperatingSystemMXBean os) {
      return os.getProcessCpuTime();
    }
    return 0;
  }
}
