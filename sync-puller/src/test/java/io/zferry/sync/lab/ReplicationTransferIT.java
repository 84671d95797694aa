package io.zferry.sync.lab;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.zferry.lab.Lab;
import io.zferry.lab.LabExtension;
import io.zferry.lab.LabNode;
import io.zferry.snapshot.host.LocalHost;
import io.zferry.snapshot.host.LocalLaunch;
import io.zferry.snapshot.zfs.CliZfs;
import io.zferry.snapshot.zfs.DatasetName;
import io.zferry.snapshot.zfs.ReceiveSpec;
import io.zferry.snapshot.zfs.SendFlags;
import io.zferry.snapshot.zfs.SendSpec;
import io.zferry.snapshot.zfs.Snapshot;
import io.zferry.snapshot.zfs.SnapshotName;
import io.zferry.snapshot.zfs.Zfs;
import io.zferry.sync.ssh.KnownHostsEntry;
import io.zferry.sync.ssh.OpenSshHost;
import io.zferry.sync.ssh.SessionHost;
import io.zferry.sync.ssh.SshHost;
import io.zferry.sync.ssh.SshSettings;
import io.zferry.sync.transfer.PipedTransfer;
import io.zferry.sync.transfer.ProgressListener;
import io.zferry.sync.transfer.StreamRelay;
import io.zferry.sync.transfer.TransferException;
import io.zferry.sync.transfer.TransferOptions;
import io.zferry.sync.transfer.TransferProgress;
import io.zferry.sync.transfer.TransferResult;
import io.zferry.sync.transfer.WireCodec;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Streams from node-a to node-b the way the passive pulls: {@code zfs send} on node-a over real
 * sshd, {@code zfs recv} on node-b, and compares data and GUIDs on both nodes.
 */
@ExtendWith(LabExtension.class)
class ReplicationTransferIT {
  private static final DatasetName SOURCE = DatasetName.of("tank/xfer-src");
  private static final DatasetName TARGET = DatasetName.of("tank/xfer-dst");

  private LabNode nodeA;
  private LabNode nodeB;
  private Zfs zfsA;
  private Zfs zfsB;
  private SshHost peerA;

  @BeforeEach
  void freshDatasets(Lab lab) {
    nodeA = lab.nodeA();
    nodeB = lab.nodeB();
    zfsA = nodeA.zfs();
    zfsB = nodeB.zfs();
    LabPeers.destroyIfExists(zfsA, SOURCE);
    LabPeers.destroyIfExists(zfsB, TARGET);
    zfsA.createFilesystem(SOURCE);
    peerA = new SshHost(LabPeers.endpoint(nodeA));
  }

  @AfterEach
  void cleanUp() {
    peerA.close();
    LabPeers.destroyIfExists(zfsA, SOURCE);
    LabPeers.destroyIfExists(zfsB, TARGET);
  }

  @Test
  void fullThenIncrementalThenIntermediates() {
    nodeA.shell("head -c 3000000 /dev/urandom > /tank/xfer-src/f1");
    SnapshotName s1 = zfsA.snapshot(SOURCE, "s1", false);
    List<TransferProgress> progress = new CopyOnWriteArrayList<>();

    TransferResult full =
        LabPeers.pull(
            peerA,
            nodeB,
            new SendSpec.Full(s1, SendFlags.PLAIN),
            ReceiveSpec.into(TARGET),
            progress::add);

    assertThat(full.bytes()).isGreaterThan(3_000_000);
    assertThat(progress).isNotEmpty();
    assertThat(progress.get(progress.size() - 1).bytesDone()).isEqualTo(full.bytes());
    assertSameData("/tank/xfer-src/f1", "/tank/xfer-dst/f1");
    assertSameGuids();

    nodeA.shell("head -c 1000000 /dev/urandom > /tank/xfer-src/f2");
    SnapshotName s2 = zfsA.snapshot(SOURCE, "s2", false);
    LabPeers.pull(
        peerA,
        nodeB,
        new SendSpec.Incremental(s1, s2, false, SendFlags.PLAIN),
        ReceiveSpec.into(TARGET).forced(),
        p -> {});
    assertSameData("/tank/xfer-src/f2", "/tank/xfer-dst/f2");
    assertSameGuids();

    nodeA.shell("echo three > /tank/xfer-src/f3");
    zfsA.snapshot(SOURCE, "s3", false);
    nodeA.shell("echo four > /tank/xfer-src/f4; rm /tank/xfer-src/f1");
    SnapshotName s4 = zfsA.snapshot(SOURCE, "s4", false);
    LabPeers.pull(
        peerA,
        nodeB,
        new SendSpec.Incremental(s2, s4, true, SendFlags.PLAIN),
        ReceiveSpec.into(TARGET).forced(),
        p -> {});

    assertThat(shortNames(zfsB.listSnapshots(TARGET).snapshots()))
        .containsExactly("s1", "s2", "s3", "s4");
    assertSameGuids();
    assertSameData("/tank/xfer-src/f4", "/tank/xfer-dst/f4");
    assertThat(nodeB.exec("test", "-e", "/tank/xfer-dst/f1").exitCode()).isNotZero();
  }

  @Test
  void theOpenSshClientCarriesASessionsStreams(@TempDir Path dir) {
    Path sshDir = dir.resolve("openssh");
    OpenSshHost openSsh = openSsh(sshDir);
    try (SessionHost session = new SessionHost(peerA, openSsh, Clock.systemUTC())) {
      nodeA.shell("head -c 3000000 /dev/urandom > /tank/xfer-src/f1");
      SnapshotName s1 = zfsA.snapshot(SOURCE, "s1", false);
      TransferResult full =
          LabPeers.pull(
              session, nodeB, new SendSpec.Full(s1, SendFlags.PLAIN), ReceiveSpec.into(TARGET));
      assertThat(full.bytes()).isGreaterThan(3_000_000);
      assertSameData("/tank/xfer-src/f1", "/tank/xfer-dst/f1");
      // The stream went through OpenSSH: the connection it keeps for the next one is there.
      assertThat(sshDir.resolve("control")).exists();
      assertThat(session.hasSession()).isTrue();

      nodeA.shell("head -c 1000000 /dev/urandom > /tank/xfer-src/f2");
      SnapshotName s2 = zfsA.snapshot(SOURCE, "s2", false);
      LabPeers.pull(
          session,
          nodeB,
          new SendSpec.Incremental(s1, s2, false, SendFlags.PLAIN),
          ReceiveSpec.into(TARGET).forced());
      assertSameData("/tank/xfer-src/f2", "/tank/xfer-dst/f2");
      assertSameGuids();
    }
    // Closing ends OpenSSH's shared connection and removes its directory.
    assertThat(sshDir).doesNotExist();
  }

  @Test
  void aSendThroughOpenSshIsJoinedToTheReceiveByPipesTheJvmNeverReads(@TempDir Path dir)
      throws Exception {
    OpenSshHost openSsh = openSsh(dir.resolve("openssh"));
    try (SessionHost session = new SessionHost(peerA, openSsh, Clock.systemUTC())) {
      Zfs source = new CliZfs(session);
      assertThat(source.launchesLocally()).isTrue();
      assertThat(zfsB.launchesLocally()).isTrue();
      nodeA.shell("head -c 20000000 /dev/urandom > /tank/xfer-src/f1");
      SnapshotName s1 = zfsA.snapshot(SOURCE, "s1", false);
      long jvmReadBefore = jvmBytesRead();

      TransferResult full =
          piped(source, new SendSpec.Full(s1, SendFlags.PLAIN), ReceiveSpec.into(TARGET));

      long jvmRead = jvmBytesRead() - jvmReadBefore;
      assertThat(full.bytes()).isGreaterThan(20_000_000);
      assertSameData("/tank/xfer-src/f1", "/tank/xfer-dst/f1");
      // Listings, the session and the relay's counts, not the 20 MB stream.
      assertThat(jvmRead).as("bytes the JVM read during the transfer").isLessThan(5_000_000);

      nodeA.shell("head -c 1000000 /dev/urandom > /tank/xfer-src/f2");
      SnapshotName s2 = zfsA.snapshot(SOURCE, "s2", false);
      piped(
          source,
          new SendSpec.Incremental(s1, s2, false, SendFlags.PLAIN),
          ReceiveSpec.into(TARGET).forced());
      assertSameData("/tank/xfer-src/f2", "/tank/xfer-dst/f2");
      assertSameGuids();
    }
  }

  @Test
  void aStreamCompressedOnTheWireByThePeersServeArrivesWhole(@TempDir Path dir) {
    OpenSshHost openSsh = openSsh(dir.resolve("openssh"));
    try (SessionHost session = new SessionHost(peerA, openSsh, Clock.systemUTC())) {
      Zfs source = new CliZfs(session);
      // Log-like text: it compresses well.
      nodeA.shell(
          "i=0; while [ $i -lt 4000 ]; do echo \"2026-12-04 12:00:$i pull tank/data ok\"; i=$((i+1));"
              + " done > /tank/xfer-src/part; for n in 1 2 3 4 5 6 7 8; do cat /tank/xfer-src/part;"
              + " done > /tank/xfer-src/log; rm /tank/xfer-src/part");
      SnapshotName s1 = zfsA.snapshot(SOURCE, "s1", false);
      LocalLaunch receiving = zfsB.receiveLaunch(ReceiveSpec.into(TARGET)).orElseThrow();
      LocalLaunch sending =
          source
              .sendLaunch(
                  new SendSpec.Full(s1, SendFlags.PLAIN), List.of(WireCodec.ZSTD.remoteWord()))
              .orElseThrow();

      TransferResult result =
          new PipedTransfer(
                  Clock.systemUTC(),
                  TransferOptions.defaults(),
                  new StreamRelay(StreamRelay.PV),
                  ProgressListener.NONE)
              .run(
                  sending,
                  Optional.of(WireCodec.ZSTD),
                  receiving,
                  (sender, receiver) -> Optional.empty());

      assertSameData("/tank/xfer-src/log", "/tank/xfer-dst/log");
      assertSameGuids();
      assertThat(result.bytes()).isGreaterThan(1_000_000);
      assertThat(result.wireBytes()).isLessThan(result.bytes() / 5);
    }
  }

  /** The OpenSSH client to node-a, trusting the key zferry's own connection verified. */
  private OpenSshHost openSsh(Path directory) {
    return new OpenSshHost(
        LabPeers.endpoint(nodeA),
        SshSettings.defaults(),
        peerA::trustedHostKey,
        new LocalHost("test"),
        OpenSshHost.DEFAULT_PROGRAM,
        directory);
  }

  private TransferResult piped(Zfs source, SendSpec send, ReceiveSpec receive) {
    LocalLaunch receiving = zfsB.receiveLaunch(receive).orElseThrow();
    LocalLaunch sending = source.sendLaunch(send).orElseThrow();
    return new PipedTransfer(
            Clock.systemUTC(),
            TransferOptions.defaults(),
            new StreamRelay(StreamRelay.PV),
            ProgressListener.NONE)
        .run(sending, receiving, (sender, receiver) -> Optional.empty());
  }

  /** What this JVM has read from files, pipes and sockets so far (/proc/self/io's rchar). */
  private static long jvmBytesRead() throws java.io.IOException {
    return java.nio.file.Files.readAllLines(Path.of("/proc/self/io")).stream()
        .filter(line -> line.startsWith("rchar:"))
        .mapToLong(line -> Long.parseLong(line.substring("rchar:".length()).strip()))
        .findFirst()
        .orElseThrow();
  }

  @Test
  void theOpenSshClientRefusesAKeyOtherThanTheOneZferryVerified(@TempDir Path dir)
      throws Exception {
    // node-b's host key stands in for a key node-a's address presents after it was replaced.
    String[] nodeBKey =
        java.nio.file.Files.readAllLines(nodeA.knownHosts()).stream()
            .filter(line -> line.startsWith("node-b "))
            .findFirst()
            .orElseThrow()
            .split(" ");
    KnownHostsEntry wrong =
        new KnownHostsEntry(
            1,
            KnownHostsEntry.Marker.NONE,
            "node-a",
            nodeBKey[1],
            java.util.Base64.getDecoder().decode(nodeBKey[2]));
    OpenSshHost openSsh =
        new OpenSshHost(
            LabPeers.endpoint(nodeA),
            SshSettings.defaults(),
            () -> Optional.of(wrong),
            new LocalHost("test"),
            OpenSshHost.DEFAULT_PROGRAM,
            dir.resolve("openssh"));
    nodeA.shell("echo data > /tank/xfer-src/f1");
    SnapshotName s1 = zfsA.snapshot(SOURCE, "s1", false);
    try (SessionHost session = new SessionHost(peerA, openSsh, Clock.systemUTC())) {
      assertThatThrownBy(
              () ->
                  LabPeers.pull(
                      session,
                      nodeB,
                      new SendSpec.Full(s1, SendFlags.PLAIN),
                      ReceiveSpec.into(TARGET)))
          .isInstanceOf(TransferException.class)
          .hasMessageContaining("the OpenSSH client could not run it")
          .hasMessageContaining("Host key verification failed");
    }
    assertThat(zfsB.exists(TARGET)).isFalse();
  }

  @Test
  void replicationStreamCarriesChildDatasets() {
    DatasetName child = SOURCE.child("child");
    zfsA.createFilesystem(child);
    nodeA.shell(
        "echo parent > /tank/xfer-src/p; head -c 500000 /dev/urandom > /tank/xfer-src/child/c");
    SnapshotName r1 = zfsA.snapshot(SOURCE, "r1", true);

    LabPeers.pull(
        peerA,
        nodeB,
        new SendSpec.Full(r1, SendFlags.REPLICATE),
        ReceiveSpec.into(TARGET),
        p -> {});
    assertSameData("/tank/xfer-src/child/c", "/tank/xfer-dst/child/c");

    zfsA.createFilesystem(child.child("grandchild"));
    nodeA.shell("echo new > /tank/xfer-src/child/grandchild/g");
    SnapshotName r2 = zfsA.snapshot(SOURCE, "r2", true);
    LabPeers.pull(
        peerA,
        nodeB,
        new SendSpec.Incremental(r1, r2, true, SendFlags.REPLICATE),
        ReceiveSpec.into(TARGET).forced(),
        p -> {});

    assertSameData("/tank/xfer-src/child/grandchild/g", "/tank/xfer-dst/child/grandchild/g");
    assertThat(zfsB.listDatasets(TARGET))
        .extracting(DatasetName::value)
        .containsExactly("tank/xfer-dst", "tank/xfer-dst/child", "tank/xfer-dst/child/grandchild");
    assertSameGuids();
  }

  @Test
  void peerKilledMidStreamLeavesTheTargetAtItsLastCompleteSnapshot() throws Exception {
    nodeA.shell("echo base > /tank/xfer-src/base");
    SnapshotName s1 = zfsA.snapshot(SOURCE, "s1", false);
    LabPeers.pull(
        peerA, nodeB, new SendSpec.Full(s1, SendFlags.PLAIN), ReceiveSpec.into(TARGET), p -> {});
    nodeA.shell("head -c 400000000 /dev/urandom > /tank/xfer-src/big && sync");
    SnapshotName s2 = zfsA.snapshot(SOURCE, "s2", false);

    List<TransferProgress> progress = new CopyOnWriteArrayList<>();
    var executor = Executors.newSingleThreadExecutor();
    try {
      Future<TransferResult> transfer =
          executor.submit(
              () ->
                  LabPeers.pull(
                      peerA,
                      nodeB,
                      new SendSpec.Incremental(s1, s2, false, SendFlags.PLAIN),
                      ReceiveSpec.into(TARGET).forced(),
                      progress::add));
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
      while (progress.isEmpty() || progress.get(progress.size() - 1).bytesDone() < 20_000_000) {
        assertThat(System.nanoTime()).as("transfer made progress").isLessThan(deadline);
        assertThat(transfer.isDone()).as("transfer still running").isFalse();
        Thread.sleep(50);
      }
      // pkill inside a node still sees every process of the machine: match node-a's own only.
      // zferry serve starts zfs by its absolute path.
      nodeA.shell("pkill -9 --ns $$ --nslist net -f '^(/[^ ]*/)?zfs send'");

      assertThatThrownBy(() -> transfer.get(60, TimeUnit.SECONDS))
          .hasCauseInstanceOf(TransferException.class)
          .cause()
          .hasMessageContaining("zfs send");
    } finally {
      executor.shutdownNow();
    }

    List<Snapshot> onB = zfsB.listSnapshots(TARGET).snapshots();
    assertThat(shortNames(onB)).containsExactly("s1");
    assertThat(onB.get(0).guid()).isEqualTo(zfsA.listSnapshots(SOURCE).snapshots().get(0).guid());
    assertThat(nodeB.exec("cat", "/tank/xfer-dst/base").stdout()).isEqualTo("base\n");
    assertThat(nodeB.exec("test", "-e", "/tank/xfer-dst/big").exitCode()).isNotZero();

    // The next attempt completes from the same common snapshot with identical data.
    try (SshHost reconnected = new SshHost(LabPeers.endpoint(nodeA))) {
      LabPeers.pull(
          reconnected,
          nodeB,
          new SendSpec.Incremental(s1, s2, false, SendFlags.PLAIN),
          ReceiveSpec.into(TARGET).forced(),
          p -> {});
    }
    assertSameData("/tank/xfer-src/big", "/tank/xfer-dst/big");
  }

  private void assertSameData(String pathOnA, String pathOnB) {
    assertThat(nodeB.sha256(pathOnB)).isEqualTo(nodeA.sha256(pathOnA));
  }

  /** Every snapshot on node-b has the GUID of its namesake on node-a. */
  private void assertSameGuids() {
    List<Snapshot> a = zfsA.listSnapshots(SOURCE).snapshots();
    List<Snapshot> b = zfsB.listSnapshots(TARGET).snapshots();
    assertThat(b).isNotEmpty();
    for (Snapshot received : b) {
      DatasetName sourceDataset = received.dataset().rebase(TARGET, SOURCE);
      Snapshot original =
          a.stream()
              .filter(s -> s.dataset().equals(sourceDataset))
              .filter(s -> s.name().shortName().equals(received.name().shortName()))
              .findFirst()
              .orElseThrow(() -> new AssertionError("node-a lacks " + received.name()));
      assertThat(received.guid()).as(received.name().toString()).isEqualTo(original.guid());
    }
  }

  private static List<String> shortNames(List<Snapshot> snapshots) {
    return snapshots.stream().map(s -> s.name().shortName()).toList();
  }
}
