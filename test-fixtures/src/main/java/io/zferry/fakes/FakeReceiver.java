package io.zferry.fakes;

import io.zferry.fakes.FakeDataset.FakeSnapshot;
import io.zferry.fakes.FakeStream.FileOp;
import io.zferry.fakes.FakeStream.Substream;
import io.zferry.snapshot.zfs.DatasetName;
import io.zferry.snapshot.zfs.Guid;
import io.zferry.snapshot.zfs.ReceiveSpec;
import java.time.Instant;
import java.util.Arrays;
import java.util.Map;
import java.util.TreeMap;

/**
 * {@code zfs receive} of a {@link FakeZfs}, after {@code zfs-receive(8)}: each snapshot of the
 * stream is received atomically (a failure keeps the ones before it); with {@code -F} an
 * incremental first rolls the target back to its base, which is done only once the snapshot has
 * fully arrived (OpenZFS receives into a temporary clone and swaps it in at the end).
 */
final class FakeReceiver {
  private final FakeZfs zfs;

  FakeReceiver(FakeZfs zfs) {
    this.zfs = zfs;
  }

  /** What a substream needs of the target, checked before anything changes. */
  private record Prepared(
      FakeDataset existing, FakeSnapshot rollbackTo, Map<String, byte[]> base) {}

  FakeCommand.Outcome receive(ReceiveSpec spec, byte[] bytes) {
    if (bytes.length == 0) {
      return FakeCommand.Outcome.failed("cannot receive: failed to read from stream");
    }
    FakeStream.Parsed parsed = FakeStream.read(bytes);
    if (parsed.substreams().isEmpty()) {
      return FakeCommand.Outcome.failed("cannot receive: failed to read from stream");
    }
    for (FakeStream.Received received : parsed.substreams()) {
      Substream s = received.substream();
      String kind =
          s.resumeOffset() > 0 ? "resume" : s.incremental() ? "incremental" : "new filesystem";
      try {
        byte[] body = received.body();
        boolean resuming = s.resumeOffset() > 0;
        if (resuming) {
          body = resumedBody(spec.target(), s, body);
        }
        Prepared prepared = prepare(spec, s, resuming);
        if (!received.complete()) {
          return cut(spec, s, body, kind);
        }
        commit(spec, s, body, prepared);
      } catch (MountFailed e) {
        return FakeCommand.Outcome.failed(e.getMessage());
      } catch (FakeZfs.FakeError e) {
        return FakeCommand.Outcome.failed("cannot receive " + kind + " stream: " + e.getMessage());
      }
    }
    if (parsed.truncated()) {
      return FakeCommand.Outcome.failed("cannot receive: failed to read from stream");
    }
    return FakeCommand.Outcome.OK;
  }

  private byte[] resumedBody(DatasetName target, Substream s, byte[] rest) {
    FakeDataset dataset = zfs.datasets.get(target);
    if (dataset == null
        || dataset.partial == null
        || dataset.partial.substream().toGuid() != s.toGuid()
        || dataset.partial.bodySoFar().length != s.resumeOffset()) {
      throw new FakeZfs.FakeError(
          "destination " + target + " has no partially-complete state this stream resumes");
    }
    boolean onItsBase = dataset.newest().filter(n -> n.guid.value() == s.fromGuid()).isPresent();
    if (s.incremental() && !onItsBase) {
      // A snapshot taken on the target since the receive was interrupted (an operator's): OpenZFS
      // 2.1 refuses every resume with this message, which says nothing of the cause.
      throw new FakeZfs.FakeError("kernel modules must be upgraded to receive this stream.");
    }
    byte[] soFar = dataset.partial.bodySoFar();
    byte[] whole = Arrays.copyOf(soFar, soFar.length + rest.length);
    System.arraycopy(rest, 0, whole, soFar.length, rest.length);
    return whole;
  }

  private Prepared prepare(ReceiveSpec spec, Substream s, boolean resuming) {
    DatasetName name = spec.target();
    FakeDataset target = zfs.datasets.get(name);
    if (target != null && target.partial != null && !resuming) {
      throw new FakeZfs.FakeError(
          "destination " + name + " contains partially-complete state from \"zfs receive -s\".");
    }
    if (!s.incremental()) {
      if (target == null || target.inconsistent) {
        zfs.requireParentForReceive(name);
        return new Prepared(null, null, Map.of());
      }
      if (!spec.force()) {
        throw new FakeZfs.FakeError(
            "destination '" + name + "' exists\nmust specify -F to overwrite it");
      }
      if (!target.snapshots.isEmpty()) {
        throw new FakeZfs.FakeError(
            "destination has snapshots (eg. "
                + name
                + "@"
                + target.snapshots.get(0).shortName
                + ")\nmust destroy them to overwrite it");
      }
      return new Prepared(target, null, Map.of());
    }
    if (target == null) {
      throw new FakeZfs.FakeError("destination '" + name + "' does not exist");
    }
    if (target.snapshotByGuid(s.toGuid()).isPresent()) {
      throw new FakeZfs.FakeError(
          "destination snapshot " + name + "@" + s.snapshot() + " exists (same GUID)");
    }
    FakeSnapshot base =
        target
            .snapshotByGuid(s.fromGuid())
            .orElseThrow(
                () ->
                    new FakeZfs.FakeError(
                        "most recent snapshot of " + name + " does not match incremental source"));
    FakeSnapshot newest = target.newest().orElseThrow();
    FakeSnapshot rollbackTo = null;
    if (newest != base) {
      if (!spec.force()) {
        throw new FakeZfs.FakeError(
            "most recent snapshot of " + name + " does not match incremental source");
      }
      rollbackTo = base;
    } else if (target.modifiedSinceNewestSnapshot()) {
      if (!spec.force()) {
        throw new FakeZfs.FakeError(
            "destination " + name + " has been modified\nsince most recent snapshot");
      }
      rollbackTo = base;
    }
    if (rollbackTo != null) {
      for (FakeSnapshot later :
          target.snapshots.subList(
              target.snapshots.indexOf(rollbackTo) + 1, target.snapshots.size())) {
        if (!later.holds.isEmpty()) {
          throw new FakeZfs.FakeError(
              "snapshot " + name + "@" + later.shortName + " is held; dataset is busy");
        }
      }
    }
    if (target.receivedWith != null && target.receivedWith.largeBlock() != s.flags().largeBlock()) {
      throw new FakeZfs.FakeError(
          "the stream's large-block flag (-L) differs from the one "
              + name
              + " was received with; OpenZFS would corrupt files here (OpenZFS #6224)");
    }
    if (s.flags().raw() && target.encryption.equals("off")) {
      throw new FakeZfs.FakeError("a raw incremental stream needs an encrypted destination");
    }
    return new Prepared(target, rollbackTo, base.content);
  }

  private FakeCommand.Outcome cut(ReceiveSpec spec, Substream s, byte[] bodySoFar, String kind) {
    String incomplete =
        "cannot receive " + kind + " stream: checksum mismatch or incomplete stream";
    if (!spec.resumable()) {
      return FakeCommand.Outcome.failed(incomplete);
    }
    FakeDataset target = zfs.datasets.get(spec.target());
    if (target == null) {
      target = new FakeDataset(spec.target(), s.volume());
      target.inconsistent = true;
      zfs.datasets.put(spec.target(), target);
    }
    String token = FakeSender.token(s, bodySoFar.length);
    target.partial = new FakeDataset.Partial(s.resumedAt(0), bodySoFar, token);
    return FakeCommand.Outcome.failed(
        incomplete
            + ".\nPartially received snapshot is saved.\nA resuming stream can be generated on the"
            + " sending system by running:\n    zfs send -t "
            + token);
  }

  private void commit(ReceiveSpec spec, Substream s, byte[] body, Prepared prepared) {
    Map<String, byte[]> content = new TreeMap<>(prepared.base());
    long needed = 0;
    int offset = 0;
    for (FileOp op : s.ops()) {
      if (op.write()) {
        content.put(op.path(), Arrays.copyOfRange(body, offset, offset + op.length()));
        offset += op.length();
        needed += op.length() + FakeDataset.METADATA_BYTES;
      } else {
        content.remove(op.path());
      }
    }
    String pool = spec.target().pool();
    FakeDataset target = zfs.datasets.get(spec.target());
    long partialBytes =
        target != null && target.partial != null ? target.partial.bodySoFar().length : 0;
    if (zfs.poolFree(pool) + partialBytes < needed) {
      throw new FakeZfs.FakeError("out of space");
    }
    if (target == null) {
      target = new FakeDataset(spec.target(), s.volume());
      zfs.datasets.put(spec.target(), target);
    }
    boolean created = prepared.existing() == null;
    if (created) {
      target.inconsistent = false;
      FakeDataset parent = zfs.datasets.get(FakeZfs.parentOf(spec.target()));
      target.encryption = parent.encryption;
      target.keyLoaded = parent.keyLoaded;
      if (s.flags().raw() && !s.encryption().equals("off")) {
        target.encryption = s.encryption();
        target.keyLoaded = false;
      }
    } else if (prepared.rollbackTo() != null) {
      zfs.rollBack(target, prepared.rollbackTo(), "receive -F");
    } else if (!s.incremental() && target.written() > 0) {
      zfs.discarded.add(new FakeZfs.Discarded(target.name, target.written(), "receive -F"));
    }
    target.partial = null;
    target.replaceContent(content);
    target.addSnapshot(
        new FakeSnapshot(
            s.snapshot(),
            new Guid(s.toGuid()),
            ++zfs.txg,
            Instant.ofEpochSecond(s.creationEpochSecond()),
            content));
    if (!s.properties().isEmpty() || !s.incremental()) {
      target.received.clear();
      target.received.putAll(s.properties());
    }
    FakeReceiveOptions.apply(spec, target);
    target.receivedWith = s.flags();
    if (created && !spec.noMount()) {
      boolean mountable =
          zfs.properties().whyNotMountable(target) == null
              && zfs.properties().effective(target, "canmount").equals("on");
      String mountpoint = zfs.properties().effective(target, "mountpoint");
      if (mountable && zfs.capabilities().receiveNoMount() && insideAReadOnlyMount(mountpoint)) {
        // OpenZFS: the dataset and its data are received, then its mount needs a directory in a
        // read-only mount: exit status 1, with the dataset there (kernel OpenZFS 2.1).
        throw new MountFailed(
            "cannot mount '"
                + mountpoint
                + "': failed to create mountpoint: Read-only file system");
      }
      target.mounted = mountable;
    }
  }

  /** Whether a mountpoint lies below a mounted filesystem that is read-only. */
  private boolean insideAReadOnlyMount(String mountpoint) {
    return zfs.datasets.values().stream()
        .filter(d -> d.mounted)
        .filter(d -> d.mountedReadOnly || zfs.properties().effective(d, "readonly").equals("on"))
        .map(d -> zfs.properties().effective(d, "mountpoint"))
        .anyMatch(m -> m.startsWith("/") && mountpoint.startsWith(m + "/"));
  }

  /** A receive that got its data but could not mount it. */
  private static final class MountFailed extends RuntimeException {
    private static final long serialVersionUID = 1L;

    MountFailed(String stderr) {
      super(stderr);
    }
  }
}
