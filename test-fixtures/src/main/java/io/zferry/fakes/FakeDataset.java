package io.zferry.fakes;

import io.zferry.snapshot.zfs.DatasetName;
import io.zferry.snapshot.zfs.Guid;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/** The mutable state of one filesystem or volume of a {@link FakeZfs}. */
final class FakeDataset {
  /** What a file costs beyond its bytes (dnode, indirect blocks): no change is free in ZFS. */
  static final long METADATA_BYTES = 512;

  /** A local value that masks a received one: {@code zfs inherit} without {@code -S}. */
  static final String INHERIT = "\0inherit";

  DatasetName name;
  final boolean volume;
  final Map<String, String> local = new TreeMap<>();
  final Map<String, String> received = new TreeMap<>();
  private final Map<String, byte[]> live = new TreeMap<>();
  private final List<FakeSnapshot> snapshotList = new ArrayList<>();

  /**
   * The live files; change them through {@link #putFile}, {@link #removeFile} or {@link
   * #replaceContent}.
   */
  final Map<String, byte[]> content = Collections.unmodifiableMap(live);

  /** Oldest first; change them through {@link #addSnapshot} and {@link #removeSnapshot}. */
  final List<FakeSnapshot> snapshots = Collections.unmodifiableList(snapshotList);

  /**
   * How many states (the live files and each snapshot) hold each file version, and the bytes of the
   * versions held at all: {@link #used()} without scanning every snapshot on each write.
   */
  private final Map<Version, Integer> versionRefs = new HashMap<>();

  private long versionBytes;
  final List<FakeBookmark> bookmarks = new ArrayList<>();
  boolean mounted;

  /** Mounted while readonly was on, with {@link FakeZfs#mountsKeepTheirReadOnly()}. */
  boolean mountedReadOnly;

  String encryption = "off";
  boolean keyLoaded = true;

  /** The stream flags of the last receive into this dataset; null if nothing was received. */
  FakeStream.Flags receivedWith;

  /** Partial state of an interrupted {@code zfs receive -s}; null if none. */
  Partial partial;

  /** Created by an interrupted full receive: no snapshot yet, only partial state. */
  boolean inconsistent;

  FakeDataset(DatasetName name, boolean volume) {
    this.name = name;
    this.volume = volume;
  }

  /** One snapshot: immutable content, plus the holds that keep it. */
  static final class FakeSnapshot {
    final String shortName;
    final Guid guid;
    final long createTxg;
    final Instant creation;
    final Map<String, byte[]> content;
    final Set<String> holds = new HashSet<>();

    FakeSnapshot(
        String shortName,
        Guid guid,
        long createTxg,
        Instant creation,
        Map<String, byte[]> content) {
      this.shortName = shortName;
      this.guid = guid;
      this.createTxg = createTxg;
      this.creation = creation;
      this.content = Map.copyOf(content);
    }
  }

  /**
   * A bookmark: a snapshot's GUID and txg without its data. The fake keeps the content only to
   * compute an incremental from it, as OpenZFS computes one from the blocks born after the txg.
   */
  record FakeBookmark(
      String shortName, Guid guid, long createTxg, Instant creation, Map<String, byte[]> content) {}

  /** What an interrupted resumable receive kept: the substream and the body bytes read so far. */
  record Partial(FakeStream.Substream substream, byte[] bodySoFar, String token) {}

  Optional<FakeSnapshot> snapshot(String shortName) {
    return snapshots.stream().filter(s -> s.shortName.equals(shortName)).findFirst();
  }

  Optional<FakeSnapshot> snapshotByGuid(long guid) {
    return snapshots.stream().filter(s -> s.guid.value() == guid).findFirst();
  }

  Optional<FakeSnapshot> newest() {
    return snapshots.isEmpty()
        ? Optional.empty()
        : Optional.of(snapshots.get(snapshots.size() - 1));
  }

  boolean modifiedSinceNewestSnapshot() {
    return written() > 0;
  }

  /** Bytes written since the newest snapshot (all of it if there is none). */
  long written() {
    return newest().map(s -> changedBytes(s.content, content)).orElse(size(content));
  }

  /** ZFS's {@code written}: what {@code to} holds that {@code from} does not, metadata included. */
  static long changedBytes(Map<String, byte[]> from, Map<String, byte[]> to) {
    long bytes = 0;
    for (Map.Entry<String, byte[]> entry : to.entrySet()) {
      byte[] before = from.get(entry.getKey());
      if (before == null || !Arrays.equals(before, entry.getValue())) {
        bytes += entry.getValue().length + METADATA_BYTES;
      }
    }
    for (String path : from.keySet()) {
      if (!to.containsKey(path)) {
        bytes += METADATA_BYTES;
      }
    }
    return bytes;
  }

  static long size(Map<String, byte[]> content) {
    return content.values().stream().mapToLong(b -> b.length + METADATA_BYTES).sum();
  }

  /** Space held: every distinct file version of the live state, snapshots and partial state. */
  long used() {
    return versionBytes + (partial == null ? 0 : partial.bodySoFar().length);
  }

  /** Writes a live file, replacing its previous version. */
  void putFile(String path, byte[] bytes) {
    byte[] before = live.put(path, bytes);
    reference(path, bytes, 1);
    if (before != null) {
      reference(path, before, -1);
    }
  }

  void removeFile(String path) {
    byte[] before = live.remove(path);
    if (before != null) {
      reference(path, before, -1);
    }
  }

  /** The live files become {@code files} (a rollback, a received snapshot). */
  void replaceContent(Map<String, byte[]> files) {
    referenceAll(live, -1);
    live.clear();
    live.putAll(files);
    referenceAll(live, 1);
  }

  void addSnapshot(FakeSnapshot snapshot) {
    snapshotList.add(snapshot);
    referenceAll(snapshot.content, 1);
  }

  void removeSnapshot(FakeSnapshot snapshot) {
    if (snapshotList.remove(snapshot)) {
      referenceAll(snapshot.content, -1);
    }
  }

  /**
   * One key per file version: equal path, length and content hash count once, as a block shared by
   * snapshots does in ZFS.
   */
  private record Version(String path, int hash, int length) {}

  private void referenceAll(Map<String, byte[]> state, int delta) {
    state.forEach((path, bytes) -> reference(path, bytes, delta));
  }

  private void reference(String path, byte[] bytes, int delta) {
    Version version = new Version(path, Arrays.hashCode(bytes), bytes.length);
    int before = versionRefs.getOrDefault(version, 0);
    int after = before + delta;
    if (after == 0) {
      versionRefs.remove(version);
      versionBytes -= bytes.length + METADATA_BYTES;
    } else {
      versionRefs.put(version, after);
      if (before == 0) {
        versionBytes += bytes.length + METADATA_BYTES;
      }
    }
  }
}
