package io.zferry.sync.pull;

import io.zferry.snapshot.zfs.DatasetName;
import io.zferry.snapshot.zfs.PropertyName;
import io.zferry.snapshot.zfs.Remount;
import io.zferry.snapshot.zfs.Zfs;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The target's mounts and its read-only state around a pull: what is received shows at its path,
 * set-aside copies are mounted outside the tree, and clients never write to the copy.
 */
final class TargetMounts {
  // A pull logs under one name, so one logger setting covers all of it.
  private static final Logger log = LoggerFactory.getLogger(Puller.class);
  private static final PropertyName READONLY = PropertyName.of("readonly");
  private static final PropertyName MOUNTPOINT = PropertyName.of("mountpoint");
  private static final PropertyName TYPE = PropertyName.of("type");

  private final Zfs target;
  private final DatasetName pool;

  TargetMounts(Zfs target, DatasetName pool) {
    this.target = target;
    this.pool = pool;
  }

  /**
   * On zfs-fuse a mount can go stale after a receive; mounting again cures it, but only for a pool
   * without child datasets: zfs-fuse creates children's mountpoints inside an unmounted parent
   * while receiving them, and such a parent then refuses to mount ("not empty").
   */
  boolean staleMountWorthRemounting() {
    return target.capabilities().mountsGoStaleOnReceive() && target.listDatasets(pool).size() == 1;
  }

  /**
   * OpenZFS receives with {@code -u}, so a dataset new on the target stays unmounted and its
   * mountpoint shows the bare directory instead of the replicated files. Mounted afterwards it is
   * read-only like the rest of the copy (readonly is kept on receive). An encrypted dataset whose
   * key is not loaded here cannot be mounted and is left alone.
   */
  void mountReceived(PullCycle cycle) {
    for (String problem :
        Remount.ensureMounted(
            target, pool, dataset -> dataset.is(Remount.KEYSTATUS, "unavailable"))) {
      log.warn("{}", problem);
      cycle.notes.add(problem);
    }
  }

  /**
   * A full receive replaces the root dataset under its mount; zfs-fuse can keep serving the old
   * (read-only) mount, and the children's mounts end up under the new root's. Unmount the tree
   * deepest first and mount it again root first, so every path shows what was received.
   */
  void remountTree(PullCycle cycle, DatasetName root) {
    for (String problem : Remount.tree(target, root)) {
      log.warn("{}", problem);
      cycle.notes.add(problem);
    }
  }

  /**
   * Mounts a set-aside copy outside the replicated tree. Under its parent it would be mounted on a
   * directory of the parent's own data, which the next receive into the parent or a rollback of it
   * replaces: the copy would drop out of sight while the operator needs it. A pool mounted nowhere
   * ({@code none}, {@code legacy}) mounts nothing under it, so nothing moves. A copy received
   * unmounted ({@code receive -u}) is mounted once it has its place. A volume is never mounted: its
   * copy is whole at its own device.
   */
  void mountOutsideTheTree(PullCycle cycle, DatasetName aside, boolean receivedUnmounted) {
    if (target.getProperty(aside, TYPE).filter(t -> t.equals("volume")).isPresent()) {
      log.info("{} is a volume: its data is kept at /dev/zvol/{}", aside, aside.value());
      return;
    }
    Optional<String> poolMount =
        target.getProperty(pool, MOUNTPOINT).filter(m -> m.startsWith("/"));
    if (poolMount.isEmpty()) {
      return;
    }
    String base = poolMount.get().equals("/") ? "/" + pool.value() : poolMount.get();
    String where =
        base
            + Puller.SET_ASIDE_MOUNT_SUFFIX
            + "/"
            + aside.value().substring(pool.value().length() + 1);
    try {
      target.setProperty(aside, MOUNTPOINT, where);
    } catch (RuntimeException e) {
      String note =
          "could not mount "
              + aside
              + " at "
              + where
              + " ("
              + e.getMessage()
              + "); it stays where"
              + " it is, hidden by the next receive until mounted again";
      log.warn(note);
      cycle.notes.add(note);
      return;
    }
    if (receivedUnmounted) {
      if (target.getProperty(aside, Remount.KEYSTATUS).filter("unavailable"::equals).isPresent()) {
        // A raw copy of an encrypted dataset mounts once its key is loaded here; its data is kept.
        log.info("{} is kept at {}, to be mounted once its key is loaded", aside, where);
        return;
      }
      try {
        target.mount(aside);
      } catch (RuntimeException e) {
        String note = aside + " is kept at " + where + " but not mounted: " + e.getMessage();
        log.warn(note);
        cycle.notes.add(note);
      }
    }
  }

  /**
   * Receiving a new dataset, or renaming one aside, creates a mountpoint directory in its parent,
   * which a read-only parent refuses; the cycle makes the pool read-only again at its end.
   */
  void makeWritableForThisCycle(PullCycle cycle) {
    if (!cycle.madeWritable) {
      target.setProperty(pool, READONLY, "off");
      cycle.madeWritable = true;
    }
  }

  /** Clients must not write to the passive's copy: a write would block the next incremental. */
  void keepTargetReadOnly(PullCycle cycle) {
    try {
      // Set unconditionally: a received stream with properties clears local ones, and zfs-fuse
      // shows readonly as "off (temporary)" even while it enforces it.
      target.setProperty(pool, READONLY, "on");
    } catch (RuntimeException e) {
      cycle.notes.add(
          "could not make " + pool + " read-only on " + target.hostName() + ": " + e.getMessage());
    }
  }
}
