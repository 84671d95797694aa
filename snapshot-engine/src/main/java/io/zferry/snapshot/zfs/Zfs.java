package io.zferry.snapshot.zfs;

import io.zferry.snapshot.host.LocalLaunch;
import io.zferry.snapshot.host.RunningCommand;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * Typed ZFS operations on one host. Every name is validated before it reaches a command; every
 * failure is a {@link ZfsCommandException} carrying argv, exit code and stderr.
 */
public interface Zfs {
  /** The host these operations run on, for messages. */
  String hostName();

  /** Detected once, then remembered. */
  Capabilities capabilities();

  /** All snapshots of {@code root} and of every dataset below it, in one command, oldest first. */
  SnapshotListing listSnapshots(DatasetName root);

  /** {@code root} and every filesystem and volume below it. */
  List<DatasetName> listDatasets(DatasetName root);

  boolean exists(DatasetName dataset);

  /**
   * {@code properties} of {@code root} and of every filesystem and volume below it, parents before
   * children. One command where the implementation can ({@code zfs list -o name,...}): a cycle that
   * asked each dataset for each property ran a command per value.
   */
  default List<DatasetProperties> listProperties(DatasetName root, List<PropertyName> properties) {
    List<DatasetProperties> all = new java.util.ArrayList<>();
    for (DatasetName dataset : listDatasets(root)) {
      java.util.Map<PropertyName, String> values = new java.util.HashMap<>();
      for (PropertyName property : properties) {
        getProperty(dataset, property).ifPresent(value -> values.put(property, value));
      }
      all.add(new DatasetProperties(dataset, values));
    }
    return all;
  }

  /**
   * All bookmarks of {@code root} and below, in one command ({@code zfs list -t bookmark}); only
   * where {@link Capabilities#bookmarks()}.
   */
  default java.util.List<Bookmark> listBookmarks(DatasetName root) {
    throw new UnsupportedOperationException(hostName() + ": listBookmarks is not implemented");
  }

  /** {@code zfs bookmark SNAPSHOT DATASET#NAME}; only where {@link Capabilities#bookmarks()}. */
  default Bookmark bookmark(SnapshotName snapshot, String shortName) {
    throw new UnsupportedOperationException(hostName() + ": bookmark is not implemented");
  }

  /** {@code zfs destroy DATASET#NAME}. */
  default void destroyBookmark(Bookmark bookmark) {
    throw new UnsupportedOperationException(hostName() + ": destroyBookmark is not implemented");
  }

  /**
   * The health of the pool holding {@code dataset} ({@code zpool list -H -o health POOL}): ONLINE,
   * DEGRADED, SUSPENDED, UNAVAIL, ... A command that does not finish within {@code timeout} is
   * killed and throws a {@link io.zferry.snapshot.host.HostException}; one that fails throws a
   * {@link ZfsCommandException}.
   */
  default String poolHealth(DatasetName dataset, java.time.Duration timeout) {
    throw new UnsupportedOperationException(hostName() + ": poolHealth is not implemented");
  }

  /**
   * Ends every command this node is running on the pool's host now ({@link
   * io.zferry.snapshot.host.Host#abortRunning}); returns how many.
   */
  default int abortRunning() {
    return 0;
  }

  void createFilesystem(DatasetName dataset);

  /** Takes {@code dataset@shortName}, atomically for the whole tree when {@code recursive}. */
  SnapshotName snapshot(DatasetName dataset, String shortName, boolean recursive);

  void destroySnapshot(SnapshotName snapshot);

  /**
   * Destroys each of {@code snapshots} that can go and says which could not. Where the ZFS destroys
   * a list in one command ({@link Capabilities#destroySnapshotLists}), each dataset's snapshots go
   * in one transaction group: expiring ten snapshots costs one pool sync, not ten, which on a busy
   * or slow pool is most of a small incremental's time. A list is destroyed whole or not at all
   * (one held or cloned snapshot fails it), so after a failed list each is tried on its own.
   */
  default SnapshotDestruction destroySnapshots(List<SnapshotName> snapshots) {
    return SnapshotDestruction.oneByOne(this, snapshots);
  }

  /** Destroys a dataset (with {@code recursive}, its children and snapshots too). */
  void destroyDataset(DatasetName dataset, boolean recursive);

  void rename(DatasetName from, DatasetName to);

  /** Unmounts a filesystem; one that is not mounted is left as it is. */
  void unmount(DatasetName dataset);

  /** Mounts a filesystem at its mountpoint; one that is mounted already is left as it is. */
  void mount(DatasetName dataset);

  /**
   * The filesystems under {@code root} whose mount still refuses writes although {@code readonly}
   * is off: OpenZFS on Linux mounts a filesystem read-only while its {@code readonly} is on, and
   * lowering the property later leaves that mount read-only ({@code zfs get} shows "on" with source
   * "temporary"). Empty where ZFS has no such state.
   */
  default List<DatasetName> mountedReadOnlyBeyondProperty(DatasetName root) {
    return List.of();
  }

  /** Makes a mounted filesystem's mount read-write again ({@code zfs mount -o remount,rw}). */
  default void remountWritable(DatasetName dataset) {
    throw new UnsupportedOperationException(hostName() + ": remountWritable is not implemented");
  }

  /** Rolls back to {@code snapshot}; {@code destroyLater} ({@code -r}) drops newer snapshots. */
  void rollback(SnapshotName snapshot, boolean destroyLater);

  Optional<String> getProperty(DatasetName dataset, PropertyName property);

  Optional<String> getSnapshotProperty(SnapshotName snapshot, PropertyName property);

  /**
   * The dataset's own value of a property, set locally or received with a stream ({@code zfs get -s
   * local,received}); empty if it only inherits one or has the default. User properties are
   * inherited by children, so a value meant for one dataset must be read this way.
   */
  default Optional<String> getOwnProperty(DatasetName dataset, PropertyName property) {
    throw new UnsupportedOperationException(hostName() + ": getOwnProperty is not implemented");
  }

  /** The token an interrupted resumable receive into {@code dataset} left; OpenZFS only. */
  Optional<ResumeToken> resumeToken(DatasetName dataset);

  /** {@code zfs send -t TOKEN}: the rest of an interrupted stream. */
  RunningCommand resumeSend(ResumeToken token);

  /** {@code zfs receive -A}: drops the partial state of an interrupted resumable receive. */
  void abortResumableReceive(DatasetName dataset);

  void setProperty(DatasetName dataset, PropertyName property, String value);

  /** {@code zfs inherit}: drops the local value, so the default or the parent's applies. */
  void inheritProperty(DatasetName dataset, PropertyName property);

  /** Starts {@code zfs send}; the stream is on the returned command's stdout. */
  RunningCommand send(SendSpec spec);

  /** Starts {@code zfs receive}; write the stream to the returned command's stdin. */
  RunningCommand receive(ReceiveSpec spec);

  /**
   * {@link #send} as a process of this machine, to be joined to a receive by a pipe; empty where
   * the host cannot launch it so (the JVM's SSH client, a fake). Asking may prepare the send on the
   * peer, so ask only for a send that is then started.
   */
  default Optional<LocalLaunch> sendLaunch(SendSpec spec) {
    return sendLaunch(spec, List.of());
  }

  /**
   * {@link #sendLaunch}, run on the host through {@code wrapper}: words before {@code zfs} naming a
   * program there that runs the send and passes its stream on (the peer's compressor).
   */
  default Optional<LocalLaunch> sendLaunch(SendSpec spec, List<String> wrapper) {
    return Optional.empty();
  }

  /** {@link #resumeSend} as a process of this machine; see {@link #sendLaunch}. */
  default Optional<LocalLaunch> resumeSendLaunch(ResumeToken token) {
    return resumeSendLaunch(token, List.of());
  }

  /** {@link #resumeSendLaunch} through {@code wrapper}; see {@link #sendLaunch(SendSpec, List)}. */
  default Optional<LocalLaunch> resumeSendLaunch(ResumeToken token, List<String> wrapper) {
    return Optional.empty();
  }

  /** {@link #receive} as a process of this machine; see {@link #sendLaunch}. */
  default Optional<LocalLaunch> receiveLaunch(ReceiveSpec spec) {
    return Optional.empty();
  }

  /** Whether the launches above can be had here; asking this prepares nothing. */
  default boolean launchesLocally() {
    return false;
  }

  /**
   * Whether the mounted filesystem holds any file or directory of its own (mountpoints of child
   * datasets do not count). An unmounted dataset is assumed to hold files: the answer decides
   * whether data is kept before it is replaced, so doubt must err towards keeping it.
   */
  boolean hasOwnFiles(DatasetName dataset);

  /** The size of a send stream in bytes, if the implementation can estimate it. */
  OptionalLong estimateSendSize(SendSpec spec);

  /**
   * The size a running {@link #send} announced for its own stream, if it did: on OpenZFS a send
   * reports its estimate on stderr before the stream, which spares a second command ({@link
   * #estimateSendSize}) on the source.
   */
  default OptionalLong announcedSendSize(RunningCommand send) {
    return OptionalLong.empty();
  }

  /**
   * The paths changed in {@code dataset} since {@code since} ({@code zfs diff}), one line each as
   * zfs prints them ({@code M /tank/f}); empty if this ZFS cannot tell.
   */
  Optional<List<String>> changedPaths(SnapshotName since, DatasetName dataset);
}
