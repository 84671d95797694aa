package io.zferry.sync.bench;

import io.zferry.snapshot.host.LocalHost;
import io.zferry.snapshot.host.RunningCommand;
import io.zferry.snapshot.zfs.CliZfs;
import io.zferry.snapshot.zfs.DatasetName;
import io.zferry.snapshot.zfs.ReceiveSpec;
import io.zferry.snapshot.zfs.SendFlags;
import io.zferry.snapshot.zfs.SendSpec;
import io.zferry.snapshot.zfs.SnapshotName;
import io.zferry.snapshot.zfs.Zfs;
import io.zferry.sync.ssh.SshEndpoint;
import io.zferry.sync.ssh.SshHost;
import io.zferry.sync.transfer.StreamTransfer;
import io.zferry.sync.transfer.TransferOptions;
import io.zferry.sync.transfer.TransferResult;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;

/**
 * One pull of a snapshot the way the passive's puller does it: {@code zfs send} on the peer over
 * zferry's {@link SshHost}, {@link StreamTransfer} into a local {@code zfs recv}. Run inside a lab
 * node by {@code bench/replication-throughput}; writes {@code seconds}, {@code bytes}, {@code heap}
 * and {@code cipher} lines to the report file.
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
    for (int i = 0; i < args.length; i += 2) {
      String value = args[i + 1];
      switch (args[i]) {
        case "--peer" -> peer = value;
        case "--snapshot" -> snapshot = value;
        case "--target" -> target = value;
        case "--report" -> report = Path.of(value);
        case "--key" -> key = Path.of(value);
        case "--known-hosts" -> knownHosts = Path.of(value);
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
    long start = System.nanoTime();

    SshEndpoint endpoint = new SshEndpoint(peer, peer, 22, "root", key, knownHosts);
    TransferResult result;
    String cipher;
    try (SshHost source = new SshHost(endpoint)) {
      Zfs sourceZfs = new CliZfs(source);
      Zfs targetZfs = new CliZfs(new LocalHost("local"));
      SendSpec send = new SendSpec.Full(SnapshotName.parse(snapshot), SendFlags.PLAIN);
      try (RunningCommand sender = sourceZfs.send(send);
          RunningCommand receiver = targetZfs.receive(ReceiveSpec.into(DatasetName.of(target)))) {
        result =
            new StreamTransfer(Clock.systemUTC(), TransferOptions.defaults(), progress -> {})
                .run(sender, receiver);
      }
      cipher = source.negotiatedCipher().orElse("unknown");
    }

    double seconds = (System.nanoTime() - start) / 1e9;
    long cpuNanos = processCpuNanos() - cpuBefore;
    long heapPeak = runtime.totalMemory() - runtime.freeMemory();
    System.gc();
    long heapAfter = runtime.totalMemory() - runtime.freeMemory();

    List<String> lines = new ArrayList<>();
    lines.add(String.format("seconds %.3f", seconds));
    lines.add("bytes " + result.bytes());
    lines.add(String.format("jvm-cpu %.3f", cpuNanos / 1e9));
    lines.add(
        String.format(
            "heap before %.1f MiB, after %.1f MiB, seen before GC %.1f MiB",
            heapBefore / 1048576.0, heapAfter / 1048576.0, heapPeak / 1048576.0));
    lines.add("cipher " + cipher);
    Files.write(report, lines);
  }

  private static long processCpuNanos() {
    if (ManagementFactory.getOperatingSystemMXBean()
        instanceof com.sun.management.OperatingSystemMXBean os) {
      return os.getProcessCpuTime();
    }
    return 0;
  }
}
