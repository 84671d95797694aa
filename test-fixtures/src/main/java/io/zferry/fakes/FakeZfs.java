package io.zferry.fakes;

import io.zferry.fakes.FakeDataset.FakeSnapshot;
import io.zferry.snapshot.host.Command;
import io.zferry.snapshot.host.CommandResult;
import io.zferry.snapshot.host.RunningCommand;
import io.zferry.snapshot.zfs.Bookmark;
import io.zferry.snapshot.zfs.Capabilities;
import io.zferry.snapshot.zfs.DatasetName;
import io.zferry.snapshot.zfs.Guid;
import io.zferry.snapshot.zfs.PropertyName;
import io.zferry.snapshot.zfs.ReceiveSpec;
import io.zferry.snapshot.zfs.ResumeToken;
import io.zferry.snapshot.zfs.SendSpec;
import io.zferry.snapshot.zfs.Snapshot;
import io.zferry.snapshot.zfs.SnapshotDestruction;
import io.zferry.snapshot.zfs.SnapshotListing;
import io.zferry.snapshot.zfs.SnapshotName;
import io.zferry.snapshot.zfs.Zfs;
import io.zferry.snapshot.zfs.ZfsCommandException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.random.RandomGenerator;

/**
 * An in-memory ZFS host for unit tests and the control-plane simulator: pools, filesystems and
 * volumes with properties and file content, snapshots with GUIDs, createtxg and creation, and send
 * and receive with OpenZFS's semantics ({@code zfs-receive(8)}, {@code zfs-send(8)}).
 *
 * <h2>Use</h2>
 *
 * <pre>{@code
 * Clock clock = ...;                                  // a fixed or test clock
 * FakeZfs a = FakeZfs.openZfs("node-a", clock, 1);    // seed: GUIDs are deterministic
 * FakeZfs b = FakeZfs.openZfs("node-b", clock, 2);
 * a.createPool("tank", 1L << 30);
 * b.createPool("tank", 1L << 30);
 * a.writeFile(DatasetName.of("tank"), "f", "hello".getBytes());
 * a.snapshot(DatasetName.of("tank"), "s1", false);
 * // a Puller (or anything using Zfs) sends from a into b; StreamTransfer copies the bytes.
 * b.files(DatasetName.of("tank"));                    // what arrived
 * b.destroyed();                                      // every snapshot destroyed, and why
 * }</pre>
 *
 * <h2>What it models</h2>
 *
 * <ul>
 *   <li>Content: a map of path to bytes per dataset; {@code written}, {@code written@snap}, {@code
 *       referenced}, {@code used}, {@code available} and {@code zfs diff} follow from it (each file
 *       version costs its bytes plus {@value FakeDataset#METADATA_BYTES} of metadata, so no change
 *       is free). Writes need a mounted (or volume), writable dataset with room.
 *   <li>Properties: local, received ({@code -p}/raw streams) and inherited values, with OpenZFS's
 *       precedence; {@code receive -o prop=value} sets a local value, {@code -x prop} ignores the
 *       received one; {@code readonly} takes effect at once (OpenZFS, no remount).
 *   <li>Send: a stream whose bytes describe the snapshots and file changes ({@link FakeStream});
 *       {@code -I} carries every intermediate snapshot, an incremental may start at a bookmark. An
 *       encrypted dataset sent with properties but without {@code -w} is refused, as OpenZFS does;
 *       a raw stream arrives encrypted with its key unavailable.
 *   <li>Receive: an incremental needs the target's newest snapshot to be its base, and no changes
 *       since, unless {@code -F}, which rolls back the changes and destroys the newer snapshots
 *       (recorded in {@link #destroyed()} and {@link #discardedWrites()}); a held snapshot in the
 *       way fails the receive; a full stream onto an existing dataset needs {@code -F} and no
 *       snapshots; {@code -u} leaves it unmounted; {@code -s} keeps partial state and a resume
 *       token when the stream is cut ({@code send -t} continues it, {@code receive -A} drops it); a
 *       pool without room fails with "out of space" and keeps nothing of that snapshot. A change of
 *       {@code -L} between incrementals of one dataset is refused: OpenZFS would silently corrupt
 *       files (OpenZFS #6224), and the fake must catch code that does it.
 *   <li>Capabilities: {@link #openZfs} (2.x: everything) or {@link #zfsFuse} (no {@code -c}, {@code
 *       -w}, {@code -s}, {@code -u}, bookmarks, holds or diff); asking for what the host lacks is
 *       an {@link IllegalArgumentException}, as in {@code CliZfs}. zfs-fuse refuses a property it
 *       does not know ({@code keystatus}, {@code encryption}, {@code written}, ...) as it does:
 *       {@code bad property list: invalid property 'keystatus'}.
 * </ul>
 *
 * <h2>Faults and observations</h2>
 *
 * {@link #failNext(Op, int, String)} fails the next N commands of a kind with the given stderr;
 * {@link #cutNextSendAfter(long)} ends the next send stream longer than K bytes after K bytes (a
 * lost link); {@link #killNextReceiveAfter(long)} kills the next receive that gets more than K
 * bytes once it has them; {@link #fillPool(String)} leaves no room. {@link #commands()} lists every
 * argv run (after {@code zfs}) for shape assertions; {@link #readonlyHistory(DatasetName)} the
 * effective {@code readonly} after every command.
 *
 * <p>Deterministic: GUIDs come from a seeded generator, times from the injected clock. Thread-safe
 * by one lock, so a cancel from another thread is fine; nothing runs in the background.
 */
public final class FakeZfs implements Zfs {
  /** Kinds of command, for {@link #failNext}. */
  public enum Op {
    LIST,
    CREATE,
    SNAPSHOT,
    DESTROY,
    RENAME,
    MOUNT,
    UNMOUNT,
    ROLLBACK,
    GET,
    SET,
    SEND,
    RECEIVE,
    BOOKMARK,
    HOLD
  }

  /** A snapshot that was destroyed, and by what: "destroy", "rollback -r" or "receive -F". */
  public record Destroyed(SnapshotName snapshot, Guid guid, String cause) {}

  /** Live changes that were thrown away: bytes written since the newest snapshot. */
  public record Discarded(DatasetName dataset, long bytes, String cause) {}

  final String hostName;
  final Capabilities capabilities;
  final Clock clock;
  private final RandomGenerator random;
  final TreeMap<DatasetName, FakeDataset> datasets = new TreeMap<>();
  final Map<String, Long> poolSizes = new HashMap<>();
  long txg = 1;
  final FakeFaults faults = new FakeFaults();
  private final List<List<String>> commands = new ArrayList<>();
  final List<Destroyed> destroyed = new ArrayList<>();
  final List<Discarded> discarded = new ArrayList<>();
  private final Map<DatasetName, List<String>> readonlyHistory = new HashMap<>();
  private boolean mountsKeepReadOnly;
  private final FakeProperties properties = new FakeProperties(this);
  private final FakeSender sender = new FakeSender(this);
  private final FakeReceiver receiver = new FakeReceiver(this);

  private Runnable beforeNextReceiveApplies;

  public FakeZfs(String hostName, Capabilities capabilities, Clock clock, long seed) {
    this.hostName = hostName;
    this.capabilities = capabilities;
    this.clock = clock;
    this.random = new SplittableRandom(seed ^ ((long) hostName.hashCode() << 32));
  }

  public static FakeZfs openZfs(String hostName, Clock clock, long seed) {
    return new FakeZfs(hostName, Capabilities.openZfs("2.2.7"), clock, seed);
  }

  public static FakeZfs openZfs21(String hostName, Clock clock, long seed) {
    return new FakeZfs(hostName, Capabilities.openZfs("2.1.11"), clock, seed);
  }

  public static FakeZfs zfsFuse(String hostName, Clock clock, long seed) {
    return new FakeZfs(hostName, Capabilities.zfsFuse(), clock, seed);
  }

  // ---- the test's side: pools, content, faults, observations ----

  /** Creates a pool whose root dataset is mounted at {@code /NAME}. */
  public synchronized FakeZfs createPool(String name, long sizeBytes) {
    DatasetName root = DatasetName.of(name);
    if (datasets.containsKey(root)) {
      throw new IllegalStateException("pool " + name + " exists on " + hostName);
    }
    poolSizes.put(name, sizeBytes);
    FakeDataset dataset = new FakeDataset(root, false);
    dataset.mounted = true;
    datasets.put(root, dataset);
    return this;
  }

  /** Sets a pool's size; a smaller size than used makes every write and receive fail. */
  public synchronized void setPoolSize(String pool, long sizeBytes) {
    poolSizes.put(pool, sizeBytes);
  }

  /** Leaves no free byte in the pool: its size becomes what it uses. */
  public synchronized void fillPool(String pool) {
    poolSizes.put(pool, poolUsed(pool));
  }

  /** Creates an encrypted filesystem with its key loaded ({@code encryption=aes-256-gcm}). */
  public synchronized void createEncryptedFilesystem(DatasetName dataset) {
    create(dataset, false);
    FakeDataset created = datasets.get(dataset);
    created.encryption = "aes-256-gcm";
  }

  /** Creates a volume ({@code zfs create -V}); its content is written like a file's. */
  public synchronized void createVolume(DatasetName dataset) {
    create(dataset, true);
  }

  /** {@code zfs load-key}: an encrypted dataset received raw becomes readable and mountable. */
  public synchronized void loadKey(DatasetName dataset) {
    require(dataset).keyLoaded = true;
  }

  /**
   * From now on, as OpenZFS on Linux does, a filesystem mounted while its {@code readonly} is on
   * keeps a read-only mount when the property is lowered, until {@link #remountWritable}. Off by
   * default: most tests are about other things.
   */
  public synchronized FakeZfs mountsKeepTheirReadOnly() {
    mountsKeepReadOnly = true;
    return this;
  }

  /** Writes a file as a client would: refused on a read-only, unmounted or full dataset. */
  public synchronized void writeFile(DatasetName dataset, String path, byte[] bytes) {
    FakeDataset target = require(dataset);
    if (!target.volume && !target.mounted) {
      throw new IllegalStateException(dataset + " is not mounted on " + hostName);
    }
    if (properties.effective(target, "readonly").equals("on") || target.mountedReadOnly) {
      throw new IllegalStateException("Read-only file system: " + dataset + " on " + hostName);
    }
    byte[] before = target.content.get(path);
    target.putFile(path, bytes.clone());
    if (poolUsed(dataset.pool()) > poolSizes.get(dataset.pool())) {
      if (before == null) {
        target.removeFile(path);
      } else {
        target.putFile(path, before);
      }
      throw new IllegalStateException("No space left on device: " + dataset + " on " + hostName);
    }
  }

  public void writeFile(DatasetName dataset, String path, String text) {
    writeFile(dataset, path, text.getBytes(StandardCharsets.UTF_8));
  }

  public synchronized void deleteFile(DatasetName dataset, String path) {
    FakeDataset target = require(dataset);
    if (properties.effective(target, "readonly").equals("on")) {
      throw new IllegalStateException("Read-only file system: " + dataset + " on " + hostName);
    }
    target.removeFile(path);
  }

  /** The dataset's live content, as a client reading it would see it. */
  public synchronized Map<String, byte[]> files(DatasetName dataset) {
    return Map.copyOf(require(dataset).content);
  }

  /** A snapshot's content. */
  public synchronized Map<String, byte[]> files(SnapshotName snapshot) {
    return requireSnapshot(snapshot).content;
  }

  public synchronized boolean isMounted(DatasetName dataset) {
    return require(dataset).mounted;
  }

  /** {@code zfs hold TAG SNAPSHOT}. */
  public synchronized void hold(SnapshotName snapshot, String tag) {
    run(Op.HOLD, "hold", tag, snapshot.toString());
    requireSnapshot(snapshot).holds.add(tag);
  }

  public synchronized void release(SnapshotName snapshot, String tag) {
    run(Op.HOLD, "release", tag, snapshot.toString());
    requireSnapshot(snapshot).holds.remove(tag);
  }

  /**
   * Runs {@code action} once, when the next receive has its whole stream and is about to apply it:
   * what another tool does on this host while a receive is under way (ZFS checks the target again
   * at that moment).
   */
  public synchronized void beforeNextReceiveApplies(Runnable action) {
    beforeNextReceiveApplies = action;
  }

  public synchronized void failNext(Op op, int count, String stderr) {
    faults.failNext(op, count, stderr);
  }

  public synchronized void cutNextSendAfter(long bytes) {
    faults.cutNextSendAfter(bytes);
  }

  public synchronized void killNextReceiveAfter(long bytes) {
    faults.killNextReceiveAfter(bytes);
  }

  /** Every argv run so far, without the leading {@code zfs}. */
  public synchronized List<List<String>> commands() {
    return List.copyOf(commands);
  }

  public synchronized List<Destroyed> destroyed() {
    return List.copyOf(destroyed);
  }

  public synchronized List<Discarded> discardedWrites() {
    return List.copyOf(discarded);
  }

  /** The effective {@code readonly} of a dataset after each command that changed it. */
  public synchronized List<String> readonlyHistory(DatasetName dataset) {
    return List.copyOf(readonlyHistory.getOrDefault(dataset, List.of()));
  }

  public synchronized long poolUsed(String pool) {
    return datasets.values().stream()
        .filter(d -> d.name.pool().equals(pool))
        .mapToLong(FakeDataset::used)
        .sum();
  }

  public synchronized long poolFree(String pool) {
    return Math.max(0, poolSizes.get(pool) - poolUsed(pool));
  }

  // ---- Zfs ----

  @Override
  public String hostName() {
    return hostName;
  }

  @Override
  public Capabilities capabilities() {
    return capabilities;
  }

  @Override
  public synchronized SnapshotListing listSnapshots(DatasetName root) {
    run(Op.LIST, "list", "-H", "-p", "-r", "-t", "snapshot", root.toString());
    require(root);
    List<Snapshot> snapshots = new ArrayList<>();
    for (FakeDataset dataset : tree(root)) {
      for (FakeSnapshot s : dataset.snapshots) {
        snapshots.add(
            new Snapshot(dataset.name.snapshot(s.shortName), s.guid, s.createTxg, s.creation));
      }
    }
    return new SnapshotListing(snapshots, List.of());
  }

  @Override
  public synchronized List<DatasetName> listDatasets(DatasetName root) {
    run(Op.LIST, "list", "-H", "-r", "-t", "filesystem,volume", "-o", "name", root.toString());
    require(root);
    return tree(root).stream().map(d -> d.name).toList();
  }

  @Override
  public synchronized boolean exists(DatasetName dataset) {
    run(Op.LIST, "list", "-H", "-o", "name", dataset.toString());
    return datasets.containsKey(dataset);
  }

  @Override
  public synchronized List<Bookmark> listBookmarks(DatasetName root) {
    requireBookmarks();
    run(Op.LIST, "list", "-H", "-p", "-r", "-t", "bookmark", root.toString());
    require(root);
    List<Bookmark> bookmarks = new ArrayList<>();
    for (FakeDataset dataset : tree(root)) {
      for (FakeDataset.FakeBookmark b : dataset.bookmarks) {
        bookmarks.add(
            new Bookmark(dataset.name, b.shortName(), b.guid(), b.createTxg(), b.creation()));
      }
    }
    return bookmarks;
  }

  @Override
  public synchronized Bookmark bookmark(SnapshotName snapshot, String shortName) {
    requireBookmarks();
    run(Op.BOOKMARK, "bookmark", snapshot.toString(), snapshot.dataset() + "#" + shortName);
    FakeDataset dataset = require(snapshot.dataset());
    FakeSnapshot source = requireSnapshot(snapshot);
    if (dataset.bookmarks.stream().anyMatch(b -> b.shortName().equals(shortName))) {
      throw error(
          "cannot create bookmark '" + snapshot.dataset() + "#" + shortName + "': bookmark exists",
          "bookmark");
    }
    FakeDataset.FakeBookmark created =
        new FakeDataset.FakeBookmark(
            shortName, source.guid, source.createTxg, source.creation, source.content);
    dataset.bookmarks.add(created);
    return new Bookmark(dataset.name, shortName, source.guid, source.createTxg, source.creation);
  }

  @Override
  public synchronized void destroyBookmark(Bookmark bookmark) {
    requireBookmarks();
    run(Op.DESTROY, "destroy", bookmark.fullName());
    FakeDataset dataset = require(bookmark.dataset());
    if (!dataset.bookmarks.removeIf(b -> b.shortName().equals(bookmark.shortName()))) {
      throw error("cannot destroy '" + bookmark + "': bookmark does not exist", "destroy");
    }
  }

  private void requireBookmarks() {
    if (!capabilities.bookmarks()) {
      throw new IllegalArgumentException(
          hostName + " (" + capabilities.implementation() + ") has no bookmarks");
    }
  }

  @Override
  public synchronized void createFilesystem(DatasetName dataset) {
    run(Op.CREATE, "create", dataset.toString());
    create(dataset, false);
  }

  @Override
  public synchronized SnapshotName snapshot(
      DatasetName dataset, String shortName, boolean recursive) {
    SnapshotName name = dataset.snapshot(shortName);
    if (recursive) {
      run(Op.SNAPSHOT, "snapshot", "-r", name.toString());
    } else {
      run(Op.SNAPSHOT, "snapshot", name.toString());
    }
    List<FakeDataset> targets = recursive ? tree(dataset) : List.of(require(dataset));
    for (FakeDataset target : targets) {
      if (target.snapshot(shortName).isPresent()) {
        throw error(
            "cannot create snapshot '"
                + target.name
                + "@"
                + shortName
                + "': dataset already exists",
            "snapshot",
            name.toString());
      }
    }
    long snapshotTxg = ++txg;
    Instant now = now();
    for (FakeDataset target : targets) {
      target.addSnapshot(new FakeSnapshot(shortName, newGuid(), snapshotTxg, now, target.content));
    }
    observe();
    return name;
  }

  @Override
  public synchronized void destroySnapshot(SnapshotName snapshot) {
    run(Op.DESTROY, "destroy", snapshot.toString());
    FakeDataset dataset = datasets.get(snapshot.dataset());
    Optional<FakeSnapshot> found =
        dataset == null ? Optional.empty() : dataset.snapshot(snapshot.shortName());
    if (found.isEmpty()) {
      throw error(
          "could not find any snapshots to destroy; check snapshot names.",
          "destroy",
          snapshot.toString());
    }
    if (!found.get().holds.isEmpty()) {
      throw error(
          "cannot destroy snapshot " + snapshot + ": dataset is busy",
          "destroy",
          snapshot.toString());
    }
    dataset.removeSnapshot(found.get());
    destroyed.add(new Destroyed(snapshot, found.get().guid, "destroy"));
  }

  /**
   * As OpenZFS: one dataset's snapshots in one {@code zfs destroy DATASET@a,b,c}, all of them or,
   * if one is held, none; a missing one is skipped. Grouping, lists and the one-by-one pass after a
   * failed list are {@code CliZfs}'s own ({@link SnapshotDestruction#inLists}).
   */
  @Override
  public synchronized SnapshotDestruction destroySnapshots(List<SnapshotName> snapshots) {
    if (!capabilities.destroySnapshotLists()) {
      return SnapshotDestruction.oneByOne(this, snapshots);
    }
    return SnapshotDestruction.inLists(this, snapshots, this::destroyList);
  }

  private CommandResult destroyList(List<SnapshotName> ofOneDataset) {
    List<String> argv = List.of("destroy", SnapshotDestruction.listArgument(ofOneDataset));
    try {
      run(Op.DESTROY, argv);
    } catch (ZfsCommandException e) {
      return new CommandResult(hostName, command(argv), 1, "", e.stderr());
    }
    FakeDataset dataset = datasets.get(ofOneDataset.get(0).dataset());
    List<FakeSnapshot> found = new ArrayList<>();
    for (SnapshotName name : ofOneDataset) {
      if (dataset != null) {
        dataset.snapshot(name.shortName()).ifPresent(found::add);
      }
    }
    for (FakeSnapshot f : found) {
      if (!f.holds.isEmpty()) {
        String busy =
            "cannot destroy snapshot " + dataset.name.snapshot(f.shortName) + ": dataset is busy";
        return new CommandResult(hostName, command(argv), 1, "", busy);
      }
    }
    for (FakeSnapshot f : found) {
      dataset.removeSnapshot(f);
      destroyed.add(new Destroyed(dataset.name.snapshot(f.shortName), f.guid, "destroy"));
    }
    return new CommandResult(hostName, command(argv), 0, "", "");
  }

  @Override
  public synchronized void destroyDataset(DatasetName dataset, boolean recursive) {
    if (dataset.isPool()) {
      throw new IllegalArgumentException(
          "refusing to destroy the root dataset of pool " + dataset + "; destroy its children");
    }
    run(
        Op.DESTROY,
        recursive
            ? List.of("destroy", "-r", dataset.toString())
            : List.of("destroy", dataset.toString()));
    List<FakeDataset> doomed = tree(require(dataset).name);
    boolean hasDependents = doomed.size() > 1 || !doomed.get(0).snapshots.isEmpty();
    if (hasDependents && !recursive) {
      throw error(
          "cannot destroy '"
              + dataset
              + "': filesystem has children\nuse '-r' to destroy the"
              + " following datasets:",
          "destroy",
          dataset.toString());
    }
    for (FakeDataset d : doomed) {
      for (FakeSnapshot s : d.snapshots) {
        if (!s.holds.isEmpty()) {
          throw error(
              "cannot destroy snapshot " + d.name + "@" + s.shortName + ": dataset is busy",
              "destroy",
              dataset.toString());
        }
      }
    }
    for (FakeDataset d : doomed) {
      d.snapshots.forEach(
          s -> destroyed.add(new Destroyed(d.name.snapshot(s.shortName), s.guid, "destroy")));
      if (d.written() > 0) {
        discarded.add(new Discarded(d.name, d.written(), "destroy"));
      }
      datasets.remove(d.name);
    }
  }

  @Override
  public synchronized void rename(DatasetName from, DatasetName to) {
    run(Op.RENAME, "rename", from.toString(), to.toString());
    require(from);
    if (datasets.containsKey(to)) {
      throw error("cannot rename to '" + to + "': dataset already exists", "rename");
    }
    requireParent(to, "rename");
    for (FakeDataset d : tree(from)) {
      datasets.remove(d.name);
      d.name = d.name.rebase(from, to);
      datasets.put(d.name, d);
    }
    observe();
  }

  @Override
  public synchronized void unmount(DatasetName dataset) {
    run(Op.UNMOUNT, "unmount", dataset.toString());
    FakeDataset target = require(dataset);
    if (target.volume) {
      throw error(
          "cannot unmount '" + dataset + "': operation not applicable to datasets of this type",
          "unmount");
    }
    if (properties.effective(target, "mountpoint").equals("legacy") && target.mounted) {
      throw error(
          "cannot unmount '"
              + dataset
              + "': legacy mountpoint\nuse umount(8) to unmount this"
              + " filesystem",
          "unmount");
    }
    target.mounted = false;
    target.mountedReadOnly = false;
  }

  @Override
  public synchronized void mount(DatasetName dataset) {
    run(Op.MOUNT, "mount", dataset.toString());
    FakeDataset target = require(dataset);
    if (target.mounted) {
      return;
    }
    String problem = properties.whyNotMountable(target);
    if (problem != null) {
      throw error("cannot mount '" + dataset + "': " + problem, "mount");
    }
    target.mounted = true;
    target.mountedReadOnly =
        mountsKeepReadOnly && properties.effective(target, "readonly").equals("on");
  }

  @Override
  public synchronized List<DatasetName> mountedReadOnlyBeyondProperty(DatasetName root) {
    run(Op.GET, "get", "-H", "-r", "-s", "temporary", "-o", "name,value", "readonly", "" + root);
    return tree(root).stream()
        .filter(d -> d.mounted && d.mountedReadOnly)
        .filter(d -> !properties.effective(d, "readonly").equals("on"))
        .map(d -> d.name)
        .toList();
  }

  @Override
  public synchronized void remountWritable(DatasetName dataset) {
    run(Op.MOUNT, "mount", "-o", "remount,rw", dataset.toString());
    FakeDataset target = require(dataset);
    if (!target.mounted) {
      throw error("cannot remount '" + dataset + "': not currently mounted", "mount");
    }
    target.mountedReadOnly = false;
  }

  @Override
  public synchronized void rollback(SnapshotName snapshot, boolean destroyLater) {
    run(
        Op.ROLLBACK,
        destroyLater
            ? List.of("rollback", "-r", snapshot.toString())
            : List.of("rollback", snapshot.toString()));
    FakeDataset dataset = require(snapshot.dataset());
    FakeSnapshot to = requireSnapshot(snapshot);
    List<FakeSnapshot> newer =
        dataset.snapshots.subList(dataset.snapshots.indexOf(to) + 1, dataset.snapshots.size());
    if (!newer.isEmpty() && !destroyLater) {
      throw error(
          "cannot rollback to '"
              + snapshot
              + "': more recent snapshots or bookmarks exist\nuse"
              + " '-r' to force deletion of the following snapshots and bookmarks:",
          "rollback");
    }
    try {
      rollBack(dataset, to, "rollback -r");
    } catch (FakeError e) {
      throw error(e.getMessage(), "rollback", snapshot.toString());
    }
  }

  /** Drops the snapshots after {@code to} and the changes since; fails if one is held. */
  void rollBack(FakeDataset dataset, FakeSnapshot to, String cause) {
    List<FakeSnapshot> newer =
        new ArrayList<>(
            dataset.snapshots.subList(dataset.snapshots.indexOf(to) + 1, dataset.snapshots.size()));
    for (FakeSnapshot s : newer) {
      if (!s.holds.isEmpty()) {
        throw new FakeError(
            "cannot destroy snapshot " + dataset.name + "@" + s.shortName + ": dataset is busy");
      }
    }
    long lost = FakeDataset.changedBytes(to.content, dataset.content);
    long unsnapshotted = dataset.written();
    for (FakeSnapshot s : newer) {
      dataset.removeSnapshot(s);
      destroyed.add(new Destroyed(dataset.name.snapshot(s.shortName), s.guid, cause));
    }
    if (unsnapshotted > 0 || (lost > 0 && !newer.isEmpty())) {
      discarded.add(new Discarded(dataset.name, unsnapshotted, cause));
    }
    dataset.replaceContent(to.content);
  }

  @Override
  public synchronized Optional<String> getProperty(DatasetName dataset, PropertyName property) {
    run(Op.GET, "get", "-H", "-p", "-o", "value", property.toString(), dataset.toString());
    properties.requireKnown(property.value(), "get");
    return properties.get(require(dataset), property.value());
  }

  @Override
  public synchronized Optional<String> getSnapshotProperty(
      SnapshotName snapshot, PropertyName property) {
    run(Op.GET, "get", "-H", "-p", "-o", "value", property.toString(), snapshot.toString());
    properties.requireKnown(property.value(), "get");
    FakeDataset dataset = require(snapshot.dataset());
    return properties.ofSnapshot(dataset, requireSnapshot(snapshot), property.value());
  }

  @Override
  public synchronized Optional<String> getOwnProperty(DatasetName dataset, PropertyName property) {
    run(
        Op.GET,
        "get",
        "-H",
        "-p",
        "-s",
        "local,received",
        "-o",
        "value",
        property.toString(),
        dataset.toString());
    properties.requireKnown(property.value(), "get");
    FakeDataset target = require(dataset);
    String local = target.local.get(property.value());
    if (local != null) {
      return local.equals(FakeDataset.INHERIT) ? Optional.empty() : Optional.of(local);
    }
    return Optional.ofNullable(target.received.get(property.value()));
  }

  @Override
  public synchronized Optional<ResumeToken> resumeToken(DatasetName dataset) {
    if (!capabilities.resumableReceive() || !datasets.containsKey(dataset)) {
      return Optional.empty();
    }
    FakeDataset target = datasets.get(dataset);
    return target.partial == null
        ? Optional.empty()
        : Optional.of(new ResumeToken(target.partial.token()));
  }

  @Override
  public synchronized RunningCommand resumeSend(ResumeToken token) {
    if (!capabilities.resumableReceive()) {
      throw new IllegalArgumentException(hostName + " cannot resume a send (zfs send -t)");
    }
    List<String> argv = List.of("send", "-t", token.value());
    record(argv);
    return sender.resume(command(argv), token);
  }

  @Override
  public synchronized void abortResumableReceive(DatasetName dataset) {
    run(Op.RECEIVE, "receive", "-A", dataset.toString());
    FakeDataset target = require(dataset);
    if (target.partial == null) {
      throw error(
          "'" + dataset + "' does not have any resumable receive state to abort", "receive");
    }
    target.partial = null;
    if (target.inconsistent) {
      datasets.remove(dataset);
    }
  }

  @Override
  public synchronized void setProperty(DatasetName dataset, PropertyName property, String value) {
    if (value.isEmpty() || value.chars().anyMatch(c -> c < 0x20 || c == 0x7f)) {
      throw new IllegalArgumentException(
          "property value for " + property + " must be non-empty printable text");
    }
    run(Op.SET, "set", property + "=" + value, dataset.toString());
    properties.requireKnown(property.value(), "set");
    properties.set(require(dataset), property.value(), value);
    observe();
  }

  @Override
  public synchronized void inheritProperty(DatasetName dataset, PropertyName property) {
    run(Op.SET, "inherit", property.toString(), dataset.toString());
    properties.requireKnown(property.value(), "inherit");
    FakeDataset target = require(dataset);
    if (target.received.containsKey(property.value())) {
      target.local.put(property.value(), FakeDataset.INHERIT);
    } else {
      target.local.remove(property.value());
    }
    observe();
  }

  @Override
  public synchronized RunningCommand send(SendSpec spec) {
    if (!spec.flags().supportedBy(capabilities).equals(spec.flags())) {
      throw new IllegalArgumentException(
          hostName + " (" + capabilities.implementation() + ") cannot send with " + spec.flags());
    }
    List<String> argv = spec.arguments();
    record(argv);
    Optional<String> failure = faults.take(Op.SEND);
    if (failure.isPresent()) {
      return FakeCommand.producing(
          hostName, command(argv), new byte[0], FakeCommand.Outcome.failed(failure.get()));
    }
    return sender.send(command(argv), spec);
  }

  @Override
  public synchronized RunningCommand receive(ReceiveSpec spec) {
    if (!spec.supportedBy(capabilities).equals(spec)) {
      throw new IllegalArgumentException(
          hostName + " (" + capabilities.implementation() + ") cannot receive with " + spec);
    }
    List<String> argv = spec.arguments();
    record(argv);
    Optional<String> failure = faults.take(Op.RECEIVE);
    long killAfter = faults.takeReceiveKill();
    return FakeCommand.consuming(
        hostName,
        command(argv),
        killAfter < 0 ? Long.MAX_VALUE : killAfter,
        bytes -> {
          synchronized (FakeZfs.this) {
            if (failure.isPresent()) {
              return FakeCommand.Outcome.failed(failure.get());
            }
            if (killAfter >= 0 && bytes.length < killAfter) {
              faults.killNextReceiveAfter(killAfter); // ended before the kill: the next one dies
            }
            Runnable before = beforeNextReceiveApplies;
            beforeNextReceiveApplies = null;
            if (before != null) {
              before.run();
            }
            FakeCommand.Outcome outcome = receiver.receive(spec, bytes);
            observe();
            return outcome;
          }
        });
  }

  @Override
  public synchronized boolean hasOwnFiles(DatasetName dataset) {
    FakeDataset target = require(dataset);
    return !target.mounted || !target.content.isEmpty();
  }

  @Override
  public synchronized OptionalLong estimateSendSize(SendSpec spec) {
    if (capabilities.sendSizeEstimate()) {
      List<String> argv = new ArrayList<>(spec.arguments());
      argv.addAll(1, List.of("-n", "-P"));
      record(argv);
      return sender.size(spec);
    }
    if (spec instanceof SendSpec.Full full && !full.flags().replicate()) {
      record(List.of("get", "-H", "-p", "-o", "value", "referenced", full.to().dataset().value()));
      return OptionalLong.of(FakeDataset.size(requireSnapshot(full.to()).content));
    }
    return OptionalLong.empty();
  }

  @Override
  public synchronized Optional<List<String>> changedPaths(SnapshotName since, DatasetName dataset) {
    record(List.of("diff", "-H", since.toString(), dataset.toString()));
    if (capabilities.implementation().equals("zfs-fuse")) {
      return Optional.empty();
    }
    FakeDataset target = require(dataset);
    Map<String, byte[]> before = requireSnapshot(since).content;
    String base = properties.effective(target, "mountpoint");
    List<String> lines = new ArrayList<>();
    for (Map.Entry<String, byte[]> entry : target.content.entrySet()) {
      byte[] old = before.get(entry.getKey());
      if (old == null) {
        lines.add("+\t" + base + "/" + entry.getKey());
      } else if (!java.util.Arrays.equals(old, entry.getValue())) {
        lines.add("M\t" + base + "/" + entry.getKey());
      }
    }
    before.keySet().stream()
        .filter(p -> !target.content.containsKey(p))
        .forEach(p -> lines.add("-\t" + base + "/" + p));
    return Optional.of(lines);
  }

  // ---- shared by the helpers ----

  Guid newGuid() {
    long value;
    do {
      value = random.nextLong();
    } while (value == 0);
    return new Guid(value);
  }

  Instant now() {
    return Instant.ofEpochSecond(clock.instant().getEpochSecond());
  }

  FakeDataset require(DatasetName dataset) {
    FakeDataset found = datasets.get(dataset);
    if (found == null) {
      throw error("cannot open '" + dataset + "': dataset does not exist", "open", dataset.value());
    }
    return found;
  }

  FakeSnapshot requireSnapshot(SnapshotName snapshot) {
    FakeDataset dataset = datasets.get(snapshot.dataset());
    return Optional.ofNullable(dataset)
        .flatMap(d -> d.snapshot(snapshot.shortName()))
        .orElseThrow(
            () ->
                error(
                    "cannot open '" + snapshot + "': dataset does not exist",
                    "open",
                    snapshot.toString()));
  }

  void requireParent(DatasetName dataset, String verb) {
    int slash = dataset.value().lastIndexOf('/');
    if (slash < 0 || !datasets.containsKey(DatasetName.of(dataset.value().substring(0, slash)))) {
      throw error(
          "cannot " + verb + " '" + dataset + "': parent does not exist", verb, dataset.value());
    }
  }

  void requireParentForReceive(DatasetName dataset) {
    int slash = dataset.value().lastIndexOf('/');
    if (slash < 0 || !datasets.containsKey(DatasetName.of(dataset.value().substring(0, slash)))) {
      throw new FakeError("destination parent of '" + dataset + "' does not exist");
    }
  }

  /** The dataset and everything below it, parent first. */
  List<FakeDataset> tree(DatasetName root) {
    return datasets.values().stream().filter(d -> root.contains(d.name)).toList();
  }

  FakeProperties properties() {
    return properties;
  }

  private void create(DatasetName dataset, boolean volume) {
    if (datasets.containsKey(dataset)) {
      throw error("cannot create '" + dataset + "': dataset already exists", "create");
    }
    requireParent(dataset, "create");
    FakeDataset parent = datasets.get(parentOf(dataset));
    FakeDataset created = new FakeDataset(dataset, volume);
    created.encryption = parent.encryption;
    created.keyLoaded = parent.keyLoaded;
    datasets.put(dataset, created);
    created.mounted = !volume && properties.whyNotMountable(created) == null;
    created.mountedReadOnly =
        created.mounted
            && mountsKeepReadOnly
            && properties.effective(created, "readonly").equals("on");
    observe();
  }

  static DatasetName parentOf(DatasetName dataset) {
    return DatasetName.of(dataset.value().substring(0, dataset.value().lastIndexOf('/')));
  }

  private void run(Op op, String... argv) {
    run(op, List.of(argv));
  }

  /** Records a command and fires an armed failure for its kind. */
  private void run(Op op, List<String> argv) {
    record(argv);
    Optional<String> failure = faults.take(op);
    if (failure.isPresent()) {
      throw new ZfsCommandException(hostName, command(argv), 1, failure.get());
    }
  }

  private void record(List<String> argv) {
    commands.add(List.copyOf(argv));
  }

  Command command(List<String> argv) {
    List<String> full = new ArrayList<>();
    full.add("zfs");
    full.addAll(argv);
    return new Command(full);
  }

  ZfsCommandException error(String stderr, String... argv) {
    return new ZfsCommandException(hostName, command(List.of(argv)), 1, stderr);
  }

  /** Appends each filesystem's effective readonly to its history when it changed. */
  void observe() {
    for (FakeDataset d : datasets.values()) {
      String now = properties.effective(d, "readonly");
      List<String> history = readonlyHistory.computeIfAbsent(d.name, k -> new ArrayList<>());
      if (history.isEmpty() || !history.get(history.size() - 1).equals(now)) {
        history.add(now);
      }
    }
  }

  /** A failure inside a helper, turned into stderr by the command that met it. */
  static final class FakeError extends RuntimeException {
    private static final long serialVersionUID = 1L;

    FakeError(String stderr) {
      super(stderr);
    }
  }
}
