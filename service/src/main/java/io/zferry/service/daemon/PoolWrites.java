package io.zferry.service.daemon;

import io.zferry.snapshot.zfs.DatasetName;
import io.zferry.snapshot.zfs.PropertyName;
import io.zferry.snapshot.zfs.Remount;
import io.zferry.snapshot.zfs.Zfs;
import java.util.ArrayList;
import java.util.List;

/**
 * Stops and allows writes on a service's pool through its {@code readonly} property, which every
 * dataset below inherits, volumes included.
 *
 * <p>On OpenZFS the property applies to mounted filesystems at once, and {@code zfs unmount} does
 * not apply to volumes nor to {@code mountpoint=legacy}; only a mount made while the property was
 * on keeps its own read-only flag, and allowing writes remounts it read-write. zfs-fuse enforces it
 * on a mounted filesystem only from its next mount, and a final snapshot must not miss writes that
 * were still accepted, so there stopping writes also mounts again the filesystems that ZFS mounts
 * itself ({@link Remount#tree}: not volumes, legacy or no mountpoints, {@code
 * canmount=off/noauto}). Allowing writes is the mirror: the property only, no dataset unmounted.
 */
final class PoolWrites {
  private static final PropertyName READONLY = PropertyName.of("readonly");

  private PoolWrites() {}

  /** Returns what failed, one line each; empty if the pool is now as asked. */
  static List<String> readOnly(Zfs zfs, DatasetName pool, boolean readOnly) {
    try {
      if (readOnly) {
        zfs.setProperty(pool, READONLY, "on");
      } else {
        // Inherited rather than set off: a local "off" would travel with `send -p` and make the
        // passive's copy writable for a moment on every receive.
        zfs.inheritProperty(pool, READONLY);
      }
    } catch (RuntimeException e) {
      return List.of(
          "could not make " + pool + (readOnly ? " read-only: " : " writable: ") + e.getMessage());
    }
    boolean zfsFuse = zfs.capabilities().readOnlyNeedsRemount();
    if (readOnly) {
      return zfsFuse ? Remount.tree(zfs, pool) : List.of();
    }
    return zfsFuse ? List.of() : remountWritable(zfs, pool);
  }

  /**
   * A filesystem the passive mounted while the copy was read-only (one it received new, mounted
   * after its receive) keeps a read-only mount on OpenZFS after the property is lowered: clients of
   * the new active would get "Read-only file system" there. Its mount is made read-write, not
   * unmounted.
   */
  private static List<String> remountWritable(Zfs zfs, DatasetName pool) {
    List<String> problems = new ArrayList<>();
    try {
      for (DatasetName stuck : zfs.mountedReadOnlyBeyondProperty(pool)) {
        try {
          zfs.remountWritable(stuck);
        } catch (RuntimeException e) {
          problems.add(
              stuck + " is still mounted read-only (mounted so while passive): " + e.getMessage());
        }
      }
    } catch (RuntimeException e) {
      problems.add("could not find the read-only mounts under " + pool + ": " + e.getMessage());
    }
    return problems;
  }
}
