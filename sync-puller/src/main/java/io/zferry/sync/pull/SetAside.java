package io.zferry.sync.pull;

import io.zferry.snapshot.host.RunningCommand;
import io.zferry.snapshot.zfs.DatasetName;
import io.zferry.snapshot.zfs.PropertyName;
import io.zferry.snapshot.zfs.ReceiveSpec;
import io.zferry.snapshot.zfs.SendFlags;
import io.zferry.snapshot.zfs.SendSpec;
import io.zferry.snapshot.zfs.SnapshotName;
import io.zferry.snapshot.zfs.Zfs;
import io.zferry.sync.transfer.StreamTransfer;
import io.zferry.sync.transfer.TransferOptions;
import java.time.Clock;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps what the target holds before a pull replaces it: a copy of a dataset's current state, or a
 * child dataset renamed aside, each mounted outside the replicated tree.
 */
final class SetAside {
  // A pull logs under one name, so one logger setting covers all of it.
  private static final Logger log = LoggerFactory.getLogger(Puller.class);
  private static final PropertyName AVAILABLE = PropertyName.of("available");
  private static final PropertyName REFERENCED = PropertyName.of("referenced");
  private static final PropertyName ENCRYPTION = PropertyName.of("encryption");
  private static final DateTimeFormatter STAMP =
      DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss").withZone(ZoneOffset.UTC);

  private final Zfs target;
  private final Clock clock;
  private final TransferOptions transferOptions;
  private final TargetMounts mounts;

  SetAside(Zfs target, Clock clock, TransferOptions transferOptions, TargetMounts mounts) {
    this.target = target;
    this.clock = clock;
    this.transferOptions = transferOptions;
    this.mounts = mounts;
  }

  /** Now, as the part of a set-aside name that tells when it was made. */
  String stamp() {
    return STAMP.format(clock.instant());
  }

  /**
   * Copies the dataset's current state (a snapshot taken now, so unsnapshotted writes are kept too)
   * to a set-aside dataset: {@code <pool>/zferry-aside-<stamp>} for the pool's root, {@code
   * <parent>/zferry-aside-<stamp>-<name>} for a child. Returns false, with a note, if the pool
   * lacks the room.
   */
  boolean byCopy(PullCycle cycle, DatasetName dataset, String stamp, String why) {
    DatasetName aside =
        dataset.isPool()
            ? unusedName(dataset, Puller.SET_ASIDE_PREFIX + stamp)
            : unusedName(parentOf(dataset), Puller.SET_ASIDE_PREFIX + stamp + "-" + leaf(dataset));
    long referenced = longProperty(dataset, REFERENCED);
    long available = longProperty(dataset, AVAILABLE);
    if (!SetAsideRoom.forCopyOf(referenced, available).fits()) {
      String note =
          dataset
              + " on "
              + target.hostName()
              + " "
              + why
              + "; its data ("
              + referenced
              + " bytes) could not be set aside, only "
              + available
              + " bytes are free";
      log.error(note);
      cycle.notes.add(note);
      return false;
    }
    boolean encrypted =
        target.capabilities().sendRaw()
            && target.getProperty(dataset, ENCRYPTION).filter(v -> !v.equals("off")).isPresent();
    SnapshotName point = target.snapshot(dataset, leaf(aside), false);
    // Unmounted where the ZFS can (OpenZFS): mounted where it lands, the copy would need a
    // mountpoint directory inside the passive's tree, whose read-only mount refuses it, failing
    // the receive after its data arrived (and a retry would copy it aside again).
    ReceiveSpec into = ReceiveSpec.into(aside).unmounted().supportedBy(target.capabilities());
    try (RunningCommand send =
            target.send(new SendSpec.Full(point, SendFlags.PLAIN.withRaw(encrypted)));
        RunningCommand receive = target.receive(into)) {
      new StreamTransfer(clock, transferOptions, progress -> {}).run(send, receive);
    } catch (RuntimeException e) {
      forget(point);
      throw e;
    }
    mounts.mountOutsideTheTree(cycle, aside, into.noMount());
    cycle.setAside.add(aside);
    log.warn("{}: {}; its data is kept as {}", dataset, why, aside);
    return true;
  }

  /**
   * A copy that failed leaves its dataset as it was (nothing is rolled back without a copy), so the
   * snapshot taken for it holds nothing the dataset lacks; left, each retry would add one.
   */
  private void forget(SnapshotName point) {
    try {
      target.destroySnapshot(point);
    } catch (RuntimeException e) {
      log.warn("could not destroy {} after its copy failed: {}", point, e.getMessage());
    }
  }

  /** Renames a child dataset aside (free, unlike a copy); returns its new name. */
  DatasetName byRename(PullCycle cycle, DatasetName dataset, String stamp) {
    DatasetName aside =
        unusedName(parentOf(dataset), Puller.SET_ASIDE_PREFIX + stamp + "-" + leaf(dataset));
    target.rename(dataset, aside);
    mounts.mountOutsideTheTree(cycle, aside, false);
    cycle.setAside.add(aside);
    return aside;
  }

  /** What a copy of the dataset would need, for a bootstrap that found no room to keep it. */
  NoRoomToKeepException noRoomToKeep(DatasetName dataset) {
    SetAsideRoom room =
        SetAsideRoom.forCopyOf(longProperty(dataset, REFERENCED), longProperty(dataset, AVAILABLE));
    return new NoRoomToKeepException(room.needed(), room.available());
  }

  private long longProperty(DatasetName dataset, PropertyName property) {
    return target.getProperty(dataset, property).map(Long::parseLong).orElse(0L);
  }

  private static DatasetName parentOf(DatasetName dataset) {
    return DatasetName.of(dataset.value().substring(0, dataset.value().lastIndexOf('/')));
  }

  /** {@code parent/base}, or with a counter appended if that exists (two bootstraps a second). */
  private DatasetName unusedName(DatasetName parent, String base) {
    DatasetName candidate = parent.child(base);
    for (int n = 2; target.exists(candidate); n++) {
      candidate = parent.child(base + "-" + n);
    }
    return candidate;
  }

  private static String leaf(DatasetName dataset) {
    List<String> components = dataset.components();
    return components.get(components.size() - 1);
  }

  /** A bootstrap that found no room to keep the data it would replace. */
  static final class NoRoomToKeepException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    final long needed;
    final long available;

    NoRoomToKeepException(long needed, long available) {
      super("no room to keep the data a bootstrap would replace");
      this.needed = needed;
      this.available = available;
    }
  }
}
