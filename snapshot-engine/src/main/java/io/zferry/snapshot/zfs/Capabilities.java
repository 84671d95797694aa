package io.zferry.snapshot.zfs;

/**
 * What the ZFS implementation on a host can do, detected once per host. OpenZFS 2.x has all of it;
 * zfs-fuse 0.7 has none, and zferry falls back to what it offers.
 *
 * @param implementation a human-readable description, e.g. "OpenZFS 2.1.11" or "zfs-fuse"
 * @param listParsable {@code zfs list -p} (exact numbers; without it GUIDs print abbreviated)
 * @param sendCompressed {@code zfs send -c}
 * @param sendRaw {@code zfs send -w}
 * @param resumableReceive {@code zfs receive -s} and {@code zfs send -t}
 * @param receiveNoMount {@code zfs receive -u}
 * @param bookmarks {@code zfs bookmark}
 * @param holds {@code zfs hold}, {@code zfs release} and {@code zfs holds}
 * @param sendSizeEstimate {@code zfs send -nP}
 * @param sendLargeBlocks {@code zfs send -L}
 * @param sendEmbedded {@code zfs send -e}
 * @param receiveProperties {@code zfs receive -o property=value} and {@code -x property}
 * @param destroySnapshotLists {@code zfs destroy DATASET@a,b,c}: several snapshots of a dataset in
 *     one command, destroyed together in one transaction group, or none of them
 */
public record Capabilities(
    String implementation,
    boolean listParsable,
    boolean sendCompressed,
    boolean sendRaw,
    boolean resumableReceive,
    boolean receiveNoMount,
    boolean bookmarks,
    boolean holds,
    boolean sendSizeEstimate,
    boolean sendLargeBlocks,
    boolean sendEmbedded,
    boolean receiveProperties,
    boolean destroySnapshotLists) {

  /**
   * zfs-fuse can go on serving a mounted filesystem's earlier state after a receive into it, even
   * though the receive succeeded (seen in the lab after a reboot and after a full receive onto a
   * pool's root); only mounting it again shows what arrived. OpenZFS updates mounts itself.
   */
  public boolean mountsGoStaleOnReceive() {
    return implementation.equals("zfs-fuse");
  }

  /**
   * zfs-fuse enforces a changed {@code readonly} on a mounted filesystem only from its next mount;
   * OpenZFS applies it to the mount at once, so stopping writes there needs no unmount at all.
   */
  public boolean readOnlyNeedsRemount() {
    return implementation.equals("zfs-fuse");
  }

  /**
   * OpenZFS derives {@code health} from the pool's status and prints {@code SUSPENDED} for a pool
   * whose I/O failed under {@code failmode=wait}; zfs-fuse prints the vdevs' state ({@code ONLINE})
   * for such a pool, and says it only in {@code zpool status}.
   */
  public boolean healthShowsSuspended() {
    return !implementation.equals("zfs-fuse");
  }

  public static Capabilities zfsFuse() {
    return new Capabilities(
        "zfs-fuse",
        false,
        false,
        false,
        false,
        false,
        false,
        false,
        false,
        false,
        false,
        false,
        false);
  }

  public static Capabilities openZfs(String version) {
    return new Capabilities(
        "OpenZFS " + version,
        true,
        true,
        true,
        true,
        true,
        true,
        true,
        true,
        true,
        true,
        true,
        true);
  }
}
