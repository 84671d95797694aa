package io.zferry.fakes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.zferry.snapshot.zfs.DatasetName;
import io.zferry.snapshot.zfs.PropertyName;
import io.zferry.snapshot.zfs.ReceiveSpec;
import io.zferry.snapshot.zfs.ResumeToken;
import io.zferry.snapshot.zfs.SendFlags;
import io.zferry.snapshot.zfs.SendSpec;
import io.zferry.snapshot.zfs.Snapshot;
import io.zferry.snapshot.zfs.SnapshotName;
import io.zferry.snapshot.zfs.ZfsCommandException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The fake held to OpenZFS's documented behaviour (zfs-send(8), zfs-receive(8), zfs(8)). */
class FakeZfsTest {
  static final DatasetName TANK = DatasetName.of("tank");
  static final DatasetName FS = DatasetName.of("tank/fs");
  static final Clock CLOCK = Clock.fixed(Instant.parse("2026-12-01T10:00:00Z"), ZoneOffset.UTC);
  static final SendFlags P = new SendFlags(false, true, false, false);

  final FakeZfs a = FakeZfs.openZfs("a", CLOCK, 1).createPool("tank", 1L << 30);
  final FakeZfs b = FakeZfs.openZfs("b", CLOCK, 2).createPool("tank", 1L << 30);

  static SnapshotName snap(String name) {
    return SnapshotName.parse(name);
  }

  static String text(byte[] bytes) {
    return new String(bytes, StandardCharsets.UTF_8);
  }

  /** a: tank/fs with @s1 (f=one) and @s2 (f=two, g=new); b: tank/fs at @s1. */
  void replicatedToS1ThenS2OnA() {
    a.createFilesystem(FS);
    a.writeFile(FS, "f", "one");
    a.snapshot(FS, "s1", false);
    FakeTransfer.Result full =
        FakeTransfer.run(a, new SendSpec.Full(snap("tank/fs@s1"), P), b, ReceiveSpec.into(FS));
    assertThat(full.succeeded()).as(full.toString()).isTrue();
    a.writeFile(FS, "f", "two");
    a.writeFile(FS, "g", "new");
    a.snapshot(FS, "s2", false);
  }

  @Test
  void fullThenIncrementalKeepsGuidsAndContent() {
    replicatedToS1ThenS2OnA();
    a.snapshot(FS, "s3", false);
    FakeTransfer.Result inc =
        FakeTransfer.run(
            a,
            new SendSpec.Incremental(snap("tank/fs@s1"), snap("tank/fs@s3"), true, P),
            b,
            ReceiveSpec.into(FS));
    assertThat(inc.succeeded()).as(inc.toString()).isTrue();
    assertThat(b.listSnapshots(FS).snapshots())
        .extracting(Snapshot::guid)
        .containsExactlyElementsOf(
            a.listSnapshots(FS).snapshots().stream().map(Snapshot::guid).toList());
    assertThat(text(b.files(FS).get("f"))).isEqualTo("two");
    assertThat(b.isMounted(FS)).isTrue();
  }

  @Test
  void incrementalNeedsTheNewestSnapshotAsBaseUnlessForcedAndForceRecordsWhatItDestroys() {
    replicatedToS1ThenS2OnA();
    b.snapshot(FS, "operator", false);
    SendSpec inc = new SendSpec.Incremental(snap("tank/fs@s1"), snap("tank/fs@s2"), true, P);

    FakeTransfer.Result refused = FakeTransfer.run(a, inc, b, ReceiveSpec.into(FS));
    assertThat(refused.received().stderr())
        .contains("most recent snapshot of tank/fs does not match incremental source");
    assertThat(b.listSnapshots(FS).snapshots()).hasSize(2);

    FakeTransfer.Result forced = FakeTransfer.run(a, inc, b, ReceiveSpec.into(FS).forced());
    assertThat(forced.succeeded()).isTrue();
    assertThat(b.destroyed())
        .extracting(FakeZfs.Destroyed::snapshot, FakeZfs.Destroyed::cause)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple(snap("tank/fs@operator"), "receive -F"));
  }

  @Test
  void changesSinceTheNewestSnapshotBlockAnIncrementalUnlessForcedAndAreRecordedAsDiscarded() {
    replicatedToS1ThenS2OnA();
    b.writeFile(FS, "local", "written on b");
    SendSpec inc = new SendSpec.Incremental(snap("tank/fs@s1"), snap("tank/fs@s2"), true, P);
    assertThat(FakeTransfer.run(a, inc, b, ReceiveSpec.into(FS)).received().stderr())
        .contains("has been modified");
    assertThat(b.getProperty(FS, PropertyName.of("written")).map(Long::parseLong).orElseThrow())
        .isGreaterThan(0);

    assertThat(FakeTransfer.run(a, inc, b, ReceiveSpec.into(FS).forced()).succeeded()).isTrue();
    assertThat(b.files(FS)).doesNotContainKey("local");
    assertThat(b.discardedWrites()).extracting(FakeZfs.Discarded::dataset).containsExactly(FS);
  }

  @Test
  void aHeldSnapshotInTheWayFailsTheForcedReceiveAndNothingChanges() {
    replicatedToS1ThenS2OnA();
    SnapshotName operator = b.snapshot(FS, "operator", false);
    b.hold(operator, "keep");
    FakeTransfer.Result result =
        FakeTransfer.run(
            a,
            new SendSpec.Incremental(snap("tank/fs@s1"), snap("tank/fs@s2"), true, P),
            b,
            ReceiveSpec.into(FS).forced());
    assertThat(result.received().succeeded()).isFalse();
    assertThat(result.received().stderr()).contains("dataset is busy");
    assertThat(b.listSnapshots(FS).snapshots())
        .extracting(s -> s.name().shortName())
        .containsExactly("s1", "operator");
    assertThat(b.destroyed()).isEmpty();
  }

  @Test
  void aFullStreamOntoAnExistingDatasetNeedsForceAndNoSnapshots() {
    a.createFilesystem(FS);
    a.snapshot(FS, "s1", false);
    b.createFilesystem(FS);
    SendSpec full = new SendSpec.Full(snap("tank/fs@s1"), P);
    assertThat(FakeTransfer.run(a, full, b, ReceiveSpec.into(FS)).received().stderr())
        .contains("destination 'tank/fs' exists\nmust specify -F to overwrite it");
    b.snapshot(FS, "old", false);
    assertThat(FakeTransfer.run(a, full, b, ReceiveSpec.into(FS).forced()).received().stderr())
        .contains("destination has snapshots (eg. tank/fs@old)");
    b.destroySnapshot(snap("tank/fs@old"));
    assertThat(FakeTransfer.run(a, full, b, ReceiveSpec.into(FS).forced()).succeeded()).isTrue();
  }

  @Test
  void receiveOptionsNoMountSetAndExclude() {
    a.createFilesystem(FS);
    a.setProperty(FS, PropertyName.of("readonly"), "off");
    a.setProperty(FS, PropertyName.of("io.zferry:x"), "from-a");
    a.snapshot(FS, "s1", false);
    ReceiveSpec receive =
        ReceiveSpec.into(FS)
            .unmounted()
            .setting(PropertyName.of("readonly"), "on")
            .excluding(PropertyName.of("io.zferry:x"));
    assertThat(receive.arguments())
        .containsExactly("receive", "-u", "-o", "readonly=on", "-x", "io.zferry:x", "tank/fs");
    assertThat(
            FakeTransfer.run(a, new SendSpec.Full(snap("tank/fs@s1"), P), b, receive).succeeded())
        .isTrue();
    assertThat(b.isMounted(FS)).isFalse();
    assertThat(b.getProperty(FS, PropertyName.of("readonly"))).hasValue("on");
    assertThat(b.getProperty(FS, PropertyName.of("io.zferry:x"))).isEmpty();
    assertThat(b.readonlyHistory(FS)).containsExactly("on");
  }

  @Test
  void aCutStreamLeavesAResumeTokenWithDashSAndSendDashTResumesWithLittleResent() {
    a.createFilesystem(FS);
    a.writeFile(FS, "big", new byte[100_000]);
    a.snapshot(FS, "s1", false);
    a.cutNextSendAfter(60_000);
    FakeTransfer.Result cut =
        FakeTransfer.run(
            a, new SendSpec.Full(snap("tank/fs@s1"), P), b, ReceiveSpec.into(FS).resumably());
    assertThat(cut.sent().succeeded()).isFalse();
    assertThat(cut.received().stderr()).contains("Partially received snapshot is saved");
    ResumeToken token = b.resumeToken(FS).orElseThrow();
    assertThat(b.listSnapshots(TANK).snapshots()).isEmpty();

    var sender = a.resumeSend(token);
    var receiver = b.receive(ReceiveSpec.into(FS).resumably());
    FakeTransfer.Result resumed = FakeTransfer.pipe(sender, receiver);
    assertThat(resumed.succeeded()).as(resumed.toString()).isTrue();
    assertThat(resumed.bytes()).isLessThan(45_000);
    assertThat(b.files(FS).get("big")).hasSize(100_000);
    assertThat(b.resumeToken(FS)).isEmpty();
    assertThat(a.commands()).contains(List.of("send", "-t", token.value()));
  }

  @Test
  void withoutDashSACutStreamKeepsNothing() {
    a.createFilesystem(FS);
    a.writeFile(FS, "big", new byte[10_000]);
    a.snapshot(FS, "s1", false);
    a.cutNextSendAfter(5_000);
    FakeTransfer.Result cut =
        FakeTransfer.run(a, new SendSpec.Full(snap("tank/fs@s1"), P), b, ReceiveSpec.into(FS));
    assertThat(cut.received().stderr()).contains("checksum mismatch or incomplete stream");
    assertThat(b.exists(FS)).isFalse();
  }

  @Test
  void aKilledReceiverKeepsPartialStateToo() {
    replicatedToS1ThenS2OnA();
    a.writeFile(FS, "big", new byte[50_000]);
    a.snapshot(FS, "s3", false);
    b.killNextReceiveAfter(30_000);
    FakeTransfer.Result killed =
        FakeTransfer.run(
            a,
            new SendSpec.Incremental(snap("tank/fs@s2"), snap("tank/fs@s3"), false, P),
            b,
            ReceiveSpec.into(FS).resumably());
    assertThat(killed.received().succeeded()).isFalse();
    // The base was not there: -i from s2, but b is at s1; the stream is refused before partial.
    assertThat(b.resumeToken(FS)).isEmpty();

    b.killNextReceiveAfter(30_000);
    killed =
        FakeTransfer.run(
            a,
            new SendSpec.Incremental(snap("tank/fs@s1"), snap("tank/fs@s3"), false, P),
            b,
            ReceiveSpec.into(FS).resumably());
    assertThat(killed.received().succeeded()).isFalse();
    assertThat(b.resumeToken(FS)).isPresent();
    assertThat(b.listSnapshots(FS).snapshots()).hasSize(1);
  }

  @Test
  void aPartialStateBlocksOtherReceivesAStaleTokenFailsTheSendAndDashAAbortsIt() {
    replicatedToS1ThenS2OnA();
    SendSpec inc = new SendSpec.Incremental(snap("tank/fs@s1"), snap("tank/fs@s2"), true, P);
    a.cutNextSendAfter(a.estimateSendSize(inc).orElseThrow() - 2);
    FakeTransfer.run(a, inc, b, ReceiveSpec.into(FS).resumably());
    ResumeToken token = b.resumeToken(FS).orElseThrow();

    FakeTransfer.Result blocked =
        FakeTransfer.run(
            a,
            new SendSpec.Incremental(snap("tank/fs@s1"), snap("tank/fs@s2"), true, P),
            b,
            ReceiveSpec.into(FS).forced().resumably());
    assertThat(blocked.received().stderr()).contains("partially-complete state");

    a.destroySnapshot(snap("tank/fs@s2"));
    FakeTransfer.Result stale =
        FakeTransfer.pipe(a.resumeSend(token), b.receive(ReceiveSpec.into(FS).resumably()));
    assertThat(stale.sent().succeeded()).isFalse();
    assertThat(ResumeToken.isStale(stale.sent().stderr())).isTrue();

    b.abortResumableReceive(FS);
    assertThat(b.resumeToken(FS)).isEmpty();
    assertThat(b.listSnapshots(FS).snapshots())
        .extracting(s -> s.name().shortName())
        .containsExactly("s1");
  }

  @Test
  void aFullPoolRefusesReceivesAndWritesAndKeepsNothingOfTheSnapshot() {
    replicatedToS1ThenS2OnA();
    a.writeFile(FS, "big", new byte[100_000]);
    a.snapshot(FS, "s3", false);
    b.fillPool("tank");
    FakeTransfer.Result full =
        FakeTransfer.run(
            a,
            new SendSpec.Incremental(snap("tank/fs@s1"), snap("tank/fs@s3"), true, P),
            b,
            ReceiveSpec.into(FS).forced());
    assertThat(full.received().stderr()).contains("out of space");
    assertThat(b.listSnapshots(FS).snapshots()).hasSize(1);
    assertThatThrownBy(() -> b.writeFile(FS, "x", new byte[10]))
        .hasMessageContaining("No space left on device");
    ZfsCommandException e =
        new ZfsCommandException("b", b.command(List.of("receive")), 1, full.received().stderr());
    assertThat(e.reason()).isEqualTo(ZfsCommandException.Reason.OUT_OF_SPACE);
  }

  @Test
  void anEncryptedDatasetNeedsRawWithPropertiesAndArrivesWithoutItsKey() {
    DatasetName secret = DatasetName.of("tank/secret");
    a.createEncryptedFilesystem(secret);
    a.writeFile(secret, "f", "classified");
    a.snapshot(secret, "s1", false);
    FakeTransfer.Result refused =
        FakeTransfer.run(
            a, new SendSpec.Full(snap("tank/secret@s1"), P), b, ReceiveSpec.into(secret));
    assertThat(refused.sent().stderr())
        .contains(
            "encrypted dataset tank/secret may not be sent with properties without the raw"
                + " flag");
    FakeTransfer.Result raw =
        FakeTransfer.run(
            a,
            new SendSpec.Full(snap("tank/secret@s1"), P.withRaw(true)),
            b,
            ReceiveSpec.into(secret));
    assertThat(raw.succeeded()).as(raw.toString()).isTrue();
    assertThat(b.getProperty(secret, PropertyName.of("keystatus"))).hasValue("unavailable");
    assertThat(b.getProperty(secret, PropertyName.of("encryption"))).hasValue("aes-256-gcm");
    assertThat(b.isMounted(secret)).isFalse();
    assertThatThrownBy(() -> b.mount(secret)).hasMessageContaining("key not loaded");
  }

  @Test
  void changingLargeBlocksBetweenIncrementalsIsRefused() {
    a.createFilesystem(FS);
    a.snapshot(FS, "s1", false);
    a.snapshot(FS, "s2", false);
    SendFlags large = new SendFlags(false, true, true, false, true, true);
    assertThat(
            FakeTransfer.run(
                    a, new SendSpec.Full(snap("tank/fs@s1"), large), b, ReceiveSpec.into(FS))
                .succeeded())
        .isTrue();
    FakeTransfer.Result changed =
        FakeTransfer.run(
            a,
            new SendSpec.Incremental(snap("tank/fs@s1"), snap("tank/fs@s2"), true, P),
            b,
            ReceiveSpec.into(FS));
    assertThat(changed.received().stderr()).contains("#6224");
  }

  @Test
  void zfsFuseLacksTheOpenZfsFlags() {
    FakeZfs fuse = FakeZfs.zfsFuse("fuse", CLOCK, 3).createPool("tank", 1L << 20);
    fuse.snapshot(TANK, "s1", false);
    assertThatThrownBy(() -> fuse.send(new SendSpec.Full(snap("tank@s1"), P.withRaw(true))))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> fuse.receive(ReceiveSpec.into(FS).resumably()))
        .isInstanceOf(IllegalArgumentException.class);
    assertThat(fuse.changedPaths(snap("tank@s1"), TANK)).isEmpty();
    assertThat(fuse.resumeToken(TANK)).isEmpty();
  }

  @Test
  void zfsFuseRefusesThePropertiesOnlyOpenZfsKnowsAsItDoes() {
    FakeZfs fuse = FakeZfs.zfsFuse("fuse", CLOCK, 3).createPool("tank", 1L << 20);
    assertThatThrownBy(() -> fuse.getProperty(TANK, PropertyName.of("keystatus")))
        .isInstanceOf(ZfsCommandException.class)
        .hasMessageContaining("bad property list: invalid property 'keystatus'");
    assertThatThrownBy(
            () ->
                fuse.listProperties(
                    TANK, List.of(PropertyName.of("type"), PropertyName.of("written"))))
        .hasMessageContaining("invalid property 'written'");
    assertThat(fuse.getProperty(TANK, PropertyName.of("mounted"))).contains("yes");
    assertThat(fuse.getProperty(TANK, PropertyName.of("zferry:pair"))).isEmpty();
    assertThat(a.getProperty(TANK, PropertyName.of("keystatus"))).as("not encrypted: -").isEmpty();
  }

  @Test
  void armedFailuresFireForTheNextCommandsOfTheirKindOnly() {
    a.failNext(FakeZfs.Op.SNAPSHOT, 2, "cannot create snapshot: out of space");
    assertThatThrownBy(() -> a.snapshot(TANK, "x", false))
        .isInstanceOf(ZfsCommandException.class)
        .extracting(e -> ((ZfsCommandException) e).reason())
        .isEqualTo(ZfsCommandException.Reason.OUT_OF_SPACE);
    assertThatThrownBy(() -> a.snapshot(TANK, "x", false)).isInstanceOf(ZfsCommandException.class);
    assertThat(a.snapshot(TANK, "x", false)).isEqualTo(snap("tank@x"));
  }

  @Test
  void writtenAndDiffFollowTheContent() {
    a.createFilesystem(FS);
    a.writeFile(FS, "f", new byte[1000]);
    a.snapshot(FS, "s1", false);
    assertThat(a.getProperty(FS, PropertyName.of("written"))).hasValue("0");
    a.writeFile(FS, "g", new byte[10]);
    assertThat(a.getProperty(FS, PropertyName.of("written"))).hasValue("522");
    assertThat(a.getProperty(FS, PropertyName.of("written@s1"))).hasValue("522");
    assertThat(a.getSnapshotProperty(snap("tank/fs@s1"), PropertyName.of("written")))
        .hasValue("1512");
    assertThat(a.changedPaths(snap("tank/fs@s1"), FS)).hasValue(List.of("+\t/tank/fs/g"));
  }

  @Test
  void destroyingAHeldSnapshotIsBusyAndRollbackNeedsDashR() {
    a.snapshot(TANK, "s1", false);
    a.snapshot(TANK, "s2", false);
    a.hold(snap("tank@s2"), "zferry");
    assertThatThrownBy(() -> a.destroySnapshot(snap("tank@s2"))).hasMessageContaining("busy");
    assertThatThrownBy(() -> a.rollback(snap("tank@s1"), false))
        .hasMessageContaining("more recent snapshots");
    assertThatThrownBy(() -> a.rollback(snap("tank@s1"), true)).hasMessageContaining("busy");
    a.release(snap("tank@s2"), "zferry");
    a.rollback(snap("tank@s1"), true);
    assertThat(a.destroyed()).extracting(FakeZfs.Destroyed::cause).containsExactly("rollback -r");
  }

  @Test
  void anIncrementalFromABookmarkNeedsTheTargetAtTheBookmarkedSnapshot() {
    replicatedToS1ThenS2OnA();
    io.zferry.snapshot.zfs.Bookmark mark = a.bookmark(snap("tank/fs@s1"), "s1");
    a.destroySnapshot(snap("tank/fs@s1"));
    SendSpec fromMark = new SendSpec.FromBookmark(mark, snap("tank/fs@s2"), P);
    assertThat(fromMark.arguments())
        .containsExactly("send", "-p", "-i", "tank/fs#s1", "tank/fs@s2");

    FakeTransfer.Result result = FakeTransfer.run(a, fromMark, b, ReceiveSpec.into(FS));

    assertThat(result.succeeded()).as(result.toString()).isTrue();
    assertThat(text(b.files(FS).get("f"))).isEqualTo("two");
    assertThat(a.listBookmarks(TANK))
        .extracting(io.zferry.snapshot.zfs.Bookmark::guid)
        .containsExactly(b.listSnapshots(FS).snapshots().get(0).guid());
    FakeZfs fuse = FakeZfs.zfsFuse("fuse", CLOCK, 3).createPool("tank", 1L << 20);
    assertThatThrownBy(() -> fuse.listBookmarks(TANK)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void guidsAreDeterministicPerSeed() {
    FakeZfs one = FakeZfs.openZfs("x", CLOCK, 7).createPool("tank", 1 << 20);
    FakeZfs two = FakeZfs.openZfs("x", CLOCK, 7).createPool("tank", 1 << 20);
    one.snapshot(TANK, "s", false);
    two.snapshot(TANK, "s", false);
    assertThat(one.listSnapshots(TANK)).isEqualTo(two.listSnapshots(TANK));
  }
}
