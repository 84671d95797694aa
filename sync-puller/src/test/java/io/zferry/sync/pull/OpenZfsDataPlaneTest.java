package io.zferry.sync.pull;

import static io.zferry.sync.pull.FakeNodes.TANK;
import static org.assertj.core.api.Assertions.assertThat;

import io.zferry.fakes.FakeTransfer;
import io.zferry.snapshot.zfs.DatasetName;
import io.zferry.snapshot.zfs.PropertyName;
import io.zferry.snapshot.zfs.ReceiveSpec;
import io.zferry.snapshot.zfs.SendFlags;
import io.zferry.snapshot.zfs.SendSpec;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/** Raw, compressed, large-block streams with flags fixed per pair; a passive never writable. */
class OpenZfsDataPlaneTest {
  static final DatasetName SECRET = TANK.child("secret");
  static final DatasetName DATA = TANK.child("data");

  static List<List<String>> sends(FakeNodes nodes, DatasetName dataset) {
    return nodes.active.commands().stream()
        .filter(c -> c.get(0).equals("send") && c.get(c.size() - 1).startsWith(dataset + "@"))
        .toList();
  }

  static List<List<String>> receives(FakeNodes nodes, DatasetName dataset) {
    return nodes.passive.commands().stream()
        .filter(c -> c.get(0).equals("receive") && c.get(c.size() - 1).equals(dataset.value()))
        .toList();
  }

  @Test
  void anEncryptedDatasetIsSentRawAndArrivesWithoutItsKey() {
    FakeNodes nodes = FakeNodes.openZfs();
    nodes.active.createEncryptedFilesystem(SECRET);
    nodes.active.writeFile(SECRET, "f", "classified");
    nodes.snapshotActive();
    assertThat(nodes.pull().succeeded()).isTrue();
    nodes.active.writeFile(SECRET, "f", "more");
    nodes.snapshotActive();

    PullReport report = nodes.pull();

    assertThat(report.succeeded()).as(report.summary()).isTrue();
    assertThat(sends(nodes, SECRET)).hasSize(2).allSatisfy(argv -> assertThat(argv).contains("-w"));
    assertThat(nodes.passive.getProperty(SECRET, PropertyName.of("keystatus")))
        .hasValue("unavailable");
    assertThat(nodes.passive.getOwnProperty(SECRET, PairFlags.PROPERTY)).hasValue("p,c,w,L,e");
  }

  /**
   * Seen on kernel OpenZFS 2.1 (TransferOpenZfsIT): after a receive that remounts the tree, the
   * passive tried twenty times to mount an encrypted dataset whose key it never holds, logged
   * "could not mount tank/secret again: encryption key not loaded" as a replication error, and
   * stopped there, leaving every dataset after it in the tree unmounted.
   */
  @Test
  void remountingTheTreeLeavesAnEncryptedDatasetWithoutItsKeyAloneAndMountsTheRest() {
    FakeNodes nodes = FakeNodes.openZfs();
    nodes.active.createEncryptedFilesystem(SECRET);
    DatasetName users = TANK.child("users");
    nodes.active.createFilesystem(users);
    nodes.active.writeFile(users, "f", "home");
    nodes.snapshotActive();
    assertThat(nodes.pull().succeeded()).isTrue();
    nodes.passive.unmount(users);

    List<String> problems = io.zferry.snapshot.zfs.Remount.tree(nodes.passive, TANK);

    assertThat(problems).isEmpty();
    assertThat(nodes.passive.isMounted(users)).as("the dataset after it").isTrue();
    assertThat(nodes.passive.isMounted(SECRET)).isFalse();
  }

  /**
   * Seen on kernel OpenZFS 2.3: a child received with {@code -u} stayed unmounted on the passive
   * for good, so its mountpoint showed an empty directory where the replicated files belong.
   */
  @Test
  void aNewChildIsMountedOnThePassiveAfterItsFirstReceive() {
    FakeNodes nodes = FakeNodes.openZfs();
    nodes.snapshotActive();
    assertThat(nodes.pull().succeeded()).isTrue();
    nodes.active.createFilesystem(DATA);
    nodes.active.writeFile(DATA, "f", "replicated");
    nodes.snapshotActive();

    PullReport report = nodes.pull();

    assertThat(report.succeeded()).as(report.summary()).isTrue();
    assertThat(nodes.passive.isMounted(DATA)).isTrue();
    assertThat(nodes.passive.getProperty(DATA, PropertyName.of("readonly"))).hasValue("on");
  }

  @Test
  void aRawStreamAHostCannotSendFailsPermanently() {
    FakeNodes nodes = FakeNodes.zfsFuse();
    nodes.snapshotActive();

    PullReport report = nodes.puller().withRawSends(true).pullOnce();

    assertThat(report.outcomes())
        .singleElement()
        .isInstanceOfSatisfying(
            DatasetOutcome.Failed.class,
            failed -> {
              assertThat(failed.permanent()).as("every later cycle fails the same way").isTrue();
              assertThat(failed.error()).contains("set replication.raw to false");
            });
  }

  @Test
  void aPairKeepsTheFlagsItWasBootstrappedWith() {
    FakeNodes nodes = FakeNodes.openZfs();
    nodes.active.createFilesystem(DATA);
    nodes.snapshotActive();
    assertThat(nodes.pull().succeeded()).isTrue();
    assertThat(nodes.passive.getOwnProperty(DATA, PairFlags.PROPERTY)).hasValue("p,c,L,e");
    assertThat(sends(nodes, DATA).get(0)).contains("-c", "-L", "-e").doesNotContain("-w");

    nodes.active.writeFile(DATA, "f", "x");
    nodes.snapshotActive();
    PullReport raw = nodes.puller().withRawSends(true).pullOnce();

    assertThat(raw.succeeded()).as(raw.summary()).isTrue();
    assertThat(sends(nodes, DATA).get(1)).contains("-c", "-L", "-e").doesNotContain("-w");
  }

  /**
   * Seen on kernel OpenZFS 2.3 (PowerLossOpenZfsIT): after node-b took over, node-a's resync from
   * node-b found no record of the pairs' flags on node-a (the record lives on the pair's target,
   * node-b until then), fell back to {@code -p -c} and recorded that: {@code tank/secret} was
   * refused ("encrypted dataset may not be sent with properties without the raw flag") in every
   * cycle after, and every other dataset lost {@code -L -e} against how it was bootstrapped.
   */
  @Test
  void aPairWhoseDirectionReversedKeepsTheFlagsItWasBootstrappedWith() {
    FakeNodes nodes = FakeNodes.openZfs();
    nodes.active.createEncryptedFilesystem(SECRET);
    nodes.active.writeFile(SECRET, "f", "classified");
    nodes.active.createFilesystem(DATA);
    nodes.active.writeFile(DATA, "f", "plain");
    nodes.snapshotActive();
    assertThat(nodes.pull().succeeded()).isTrue();

    // node-b serves now (a switchover or a takeover); node-a pulls from it.
    nodes.clock.advance(java.time.Duration.ofMinutes(1));
    nodes.passive.snapshot(
        TANK, io.zferry.snapshot.schedule.SnapshotNaming.shortNameAt(nodes.clock.instant()), true);
    PullReport back =
        new Puller(
                nodes.passive,
                nodes.active,
                TANK,
                nodes.clock,
                io.zferry.sync.transfer.TransferOptions.defaults(),
                TransferActivity.Listener.NONE)
            .pullOnce();

    assertThat(back.succeeded()).as(back.summary()).isTrue();
    List<List<String>> sentBack =
        nodes.passive.commands().stream().filter(c -> c.get(0).equals("send")).toList();
    assertThat(sentBack)
        .filteredOn(c -> c.get(c.size() - 1).startsWith(SECRET + "@"))
        .singleElement()
        .satisfies(argv -> assertThat(argv).contains("-w"));
    assertThat(sentBack)
        .filteredOn(c -> c.get(c.size() - 1).startsWith(DATA + "@"))
        .singleElement()
        .satisfies(argv -> assertThat(argv).contains("-c", "-L", "-e").doesNotContain("-w"));
    assertThat(nodes.active.getOwnProperty(SECRET, PairFlags.PROPERTY)).hasValue("p,c,w,L,e");
    assertThat(nodes.active.getOwnProperty(DATA, PairFlags.PROPERTY)).hasValue("p,c,L,e");
  }

  @Test
  void anEncryptedPairWithoutARecordIsSentRawAndRecordedSo() {
    // As an operator would, on the advice of a record zferry could not read.
    sentRawAndRecordedAfter(nodes -> nodes.passive.inheritProperty(SECRET, PairFlags.PROPERTY));
  }

  @Test
  void anEncryptedPairRecordedWithoutRawIsSentRawAndRecordedAgain() {
    // What the fallback before reading the source's record wrote after roles swapped.
    sentRawAndRecordedAfter(nodes -> nodes.passive.setProperty(SECRET, PairFlags.PROPERTY, "p,c"));
  }

  private static void sentRawAndRecordedAfter(java.util.function.Consumer<FakeNodes> onTheRecord) {
    FakeNodes nodes = FakeNodes.openZfs();
    nodes.active.createEncryptedFilesystem(SECRET);
    nodes.snapshotActive();
    assertThat(nodes.pull().succeeded()).isTrue();
    onTheRecord.accept(nodes);
    nodes.active.writeFile(SECRET, "f", "more");
    nodes.snapshotActive();

    PullReport report = nodes.pull();

    assertThat(report.succeeded()).as(report.summary()).isTrue();
    assertThat(sends(nodes, SECRET).get(1)).contains("-w");
    assertThat(nodes.passive.getOwnProperty(SECRET, PairFlags.PROPERTY)).hasValue("p,c,w,L,e");
  }

  @Test
  void aPairBootstrappedBeforeFlagsWereRecordedKeepsSendingWithoutLargeBlocks() {
    FakeNodes nodes = FakeNodes.openZfs();
    nodes.snapshotActive();
    assertThat(nodes.pull().succeeded()).isTrue();
    // As an earlier zferry bootstrapped it: -p -c, nothing recorded.
    nodes.active.createFilesystem(DATA);
    io.zferry.snapshot.zfs.SnapshotName first = nodes.snapshotActive();
    FakeTransfer.Result legacy =
        FakeTransfer.run(
            nodes.active,
            new SendSpec.Full(
                DATA.snapshot(first.shortName()), new SendFlags(false, true, true, false)),
            nodes.passive,
            ReceiveSpec.into(DATA).unmounted());
    assertThat(legacy.succeeded()).as(legacy.toString()).isTrue();

    nodes.active.writeFile(DATA, "f", "x");
    nodes.snapshotActive();
    PullReport report = nodes.pull();

    assertThat(report.succeeded()).as(report.summary()).isTrue();
    assertThat(sends(nodes, DATA).get(1)).contains("-c").doesNotContain("-L", "-e");
    assertThat(nodes.passive.getOwnProperty(DATA, PairFlags.PROPERTY)).hasValue("p,c");
  }

  @Test
  void onOpenZfsThePassiveIsNeverWritableWhileItReceives() {
    FakeNodes nodes = FakeNodes.openZfs();
    nodes.active.createFilesystem(DATA);
    nodes.snapshotActive();
    assertThat(nodes.pull().succeeded()).isTrue();
    int rootSeen = nodes.passive.readonlyHistory(TANK).size();
    int dataSeen = nodes.passive.readonlyHistory(DATA).size();
    assertThat(nodes.passive.getProperty(DATA, PropertyName.of("readonly"))).hasValue("on");

    for (int i = 0; i < 3; i++) {
      nodes.active.writeFile(DATA, "f" + i, "x");
      nodes.active.createFilesystem(DATA.child("new" + i));
      nodes.snapshotActive();
      PullReport report = nodes.pull();
      assertThat(report.succeeded()).as(report.summary()).isTrue();
    }

    List<String> root = nodes.passive.readonlyHistory(TANK);
    List<String> data = nodes.passive.readonlyHistory(DATA);
    assertThat(root.subList(rootSeen - 1, root.size())).containsOnly("on");
    assertThat(data.subList(dataSeen - 1, data.size())).containsOnly("on");
    assertThat(nodes.passive.readonlyHistory(DATA.child("new2"))).containsOnly("on");
    assertThat(receives(nodes, TANK).get(receives(nodes, TANK).size() - 1))
        .containsSubsequence("-u", "-o", "readonly=on");
    assertThat(receives(nodes, DATA).get(receives(nodes, DATA).size() - 1))
        .containsSubsequence("-u", "-x", "readonly");
  }

  @Test
  void zfsFuseGetsNoneOfTheOpenZfsOptions() {
    FakeNodes nodes = FakeNodes.zfsFuse();
    nodes.active.createFilesystem(DATA);
    nodes.snapshotActive();
    assertThat(nodes.pull().succeeded()).isTrue();
    nodes.active.writeFile(DATA, "f", "x");
    nodes.snapshotActive();
    assertThat(nodes.pull().succeeded()).isTrue();

    assertThat(nodes.active.commands().stream().filter(c -> c.get(0).equals("send")))
        .allSatisfy(argv -> assertThat(argv).doesNotContain("-c", "-w", "-L", "-e"));
    assertThat(nodes.passive.commands().stream().filter(c -> c.get(0).equals("receive")))
        .allSatisfy(argv -> assertThat(argv).doesNotContain("-u", "-s", "-o", "-x"));
    assertThat(nodes.passive.getOwnProperty(DATA, PairFlags.PROPERTY)).isEmpty();
  }

  /**
   * Seen on kernel OpenZFS 2.3: an operator's snapshot taken on the passive while a pull was under
   * way was destroyed by that pull's {@code receive -F}, planned before the snapshot existed, and
   * nothing said so. Only a plan that knows what it rolls back may force a receive.
   */
  @Test
  void anOperatorSnapshotTakenWhileAnIncrementalIsUnderWayIsNeverDestroyedUnannounced() {
    FakeNodes nodes = FakeNodes.openZfs();
    nodes.active.writeFile(TANK, "f", "one");
    nodes.snapshotActive();
    assertThat(nodes.pull().succeeded()).isTrue();
    nodes.active.writeFile(TANK, "f", "two");
    nodes.snapshotActive();
    AtomicBoolean taken = new AtomicBoolean();
    nodes.passive.beforeNextReceiveApplies(
        () -> {
          nodes.passive.snapshot(TANK, "operator-before-upgrade", false);
          taken.set(true);
        });

    PullReport raced = nodes.pull();

    assertThat(taken).isTrue();
    assertThat(raced.foreignRolledBack()).isEmpty();
    assertThat(nodes.passive.destroyed()).isEmpty();
    assertThat(snapshotNames(nodes)).contains("operator-before-upgrade");

    PullReport next = nodes.pull();

    assertThat(next.succeeded()).as(next.summary()).isTrue();
    assertThat(next.foreignRolledBack())
        .singleElement()
        .satisfies(r -> assertThat(r.describe()).contains("operator-before-upgrade"));
    assertThat(nodes.passive.files(TANK)).containsKey("f");
    assertThat(new String(nodes.passive.files(TANK).get("f"))).isEqualTo("two");
  }

  private static List<String> snapshotNames(FakeNodes nodes) {
    return nodes.passive.listSnapshots(TANK).snapshots().stream()
        .filter(s -> s.dataset().equals(TANK))
        .map(s -> s.name().shortName())
        .toList();
  }
}
