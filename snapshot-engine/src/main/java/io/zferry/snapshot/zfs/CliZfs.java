package io.zferry.snapshot.zfs;

import io.zferry.snapshot.host.Command;
import io.zferry.snapshot.host.CommandResult;
import io.zferry.snapshot.host.Host;
import io.zferry.snapshot.host.LocalLaunch;
import io.zferry.snapshot.host.RunningCommand;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** {@link Zfs} over the {@code zfs} command line of a {@link Host}. */
public final class CliZfs implements Zfs {
  private static final PropertyName TYPE = PropertyName.of("type");
  private static final PropertyName MOUNTED = PropertyName.of("mounted");
  private static final PropertyName MOUNTPOINT = PropertyName.of("mountpoint");

  private static final Logger log = LoggerFactory.getLogger(CliZfs.class);
  private static final Pattern OPENZFS_VERSION =
      Pattern.compile("zfs-(?:kmod-)?(\\d+\\.\\d+[.\\d]*)");

  /** zfs-fuse answers "dataset is busy" to a destroy that races its own unmount; see lab notes. */
  private static final int BUSY_RETRIES = 10;

  private static final Duration BUSY_RETRY_DELAY = Duration.ofMillis(100);

  private final Host host;
  private final String zfsProgram;
  private final Duration commandTimeout;
  private volatile Capabilities capabilities;
  private final SizeAnnouncingSends sizeAnnouncing;

  public CliZfs(Host host) {
    this(host, "zfs", Duration.ofMinutes(10));
  }

  public CliZfs(Host host, String zfsProgram, Duration commandTimeout) {
    this.host = host;
    this.zfsProgram = zfsProgram;
    this.commandTimeout = commandTimeout;
    this.sizeAnnouncing = new SizeAnnouncingSends(host.name());
  }

  @Override
  public int abortRunning() {
    return host.abortRunning();
  }

  @Override
  public String hostName() {
    return host.name();
  }

  @Override
  public Capabilities capabilities() {
    Capabilities known = capabilities;
    if (known == null) {
      known = detectCapabilities();
      capabilities = known;
      log.info("{}: ZFS implementation {}", host.name(), known);
    }
    return known;
  }

  /**
   * OpenZFS 2.x answers {@code zfs version}; zfs-fuse has no such command and no {@code list -p}.
   * Anything else is an error that names the fix, never a silent fall back to zfs-fuse's abilities:
   * an OpenZFS host whose kernel module is not loaded must not replicate as if it were zfs-fuse.
   */
  private Capabilities detectCapabilities() {
    CommandResult version = host.run(zfs("version"), commandTimeout);
    String versionText = version.stdout() + "\n" + version.stderr();
    if (versionText.contains("modules are not loaded")) {
      throw modulesNotLoaded(version);
    }
    if (version.succeeded()) {
      Matcher matcher = OPENZFS_VERSION.matcher(version.stdout());
      if (matcher.find()) {
        return Capabilities.openZfs(matcher.group(1));
      }
    }
    CommandResult parsableList = host.run(zfs("list", "-H", "-p", "-o", "name"), commandTimeout);
    if (parsableList.succeeded()) {
      return Capabilities.openZfs("(version unknown)");
    }
    String stderr = parsableList.stderr();
    if (stderr.contains("modules are not loaded")) {
      throw modulesNotLoaded(parsableList);
    }
    if (stderr.contains("invalid option")) {
      return Capabilities.zfsFuse();
    }
    throw failure(parsableList);
  }

  private ZfsCommandException modulesNotLoaded(CommandResult result) {
    return new ZfsCommandException(
        result.host(),
        result.command(),
        result.exitCode() == 0 ? 1 : result.exitCode(),
        "The ZFS kernel modules are not loaded on "
            + host.name()
            + ": run 'modprobe zfs' (and check that the zfs-dkms or kmod package matches the"
            + " running kernel), then start zferryd again. zfs said: "
            + (result.stdout() + " " + result.stderr()).strip());
  }

  @Override
  public SnapshotListing listSnapshots(DatasetName root) {
    if (capabilities().listParsable()) {
      String out =
          runZfs(
              "list",
              "-H",
              "-p",
              "-r",
              "-t",
              "snapshot",
              "-o",
              "name,guid,createtxg,creation",
              root.toString());
      return SnapshotListing.fromList(out);
    }
    String out =
        runZfs(
            "get",
            "-H",
            "-p",
            "-r",
            "-o",
            "name,property,value",
            "guid,createtxg,creation",
            root.toString());
    return SnapshotListing.fromGet(out);
  }

  @Override
  public List<Bookmark> listBookmarks(DatasetName root) {
    requireBookmarks();
    String out =
        runZfs(
            "list",
            "-H",
            "-p",
            "-r",
            "-t",
            "bookmark",
            "-o",
            "name,guid,createtxg,creation",
            root.toString());
    return parseBookmarks(out);
  }

  static List<Bookmark> parseBookmarks(String out) {
    List<Bookmark> bookmarks = new ArrayList<>();
    for (String line : out.split("\n")) {
      if (line.isBlank()) {
        continue;
      }
      String[] fields = line.split("\t", -1);
      if (fields.length != 4) {
        throw new IllegalArgumentException("unexpected zfs list line: " + ZfsNames.printable(line));
      }
      String[] name = Bookmark.split(fields[0]);
      bookmarks.add(
          new Bookmark(
              DatasetName.of(name[0]),
              name[1],
              Guid.parse(fields[1]),
              Long.parseLong(fields[2].trim()),
              java.time.Instant.ofEpochSecond(Long.parseLong(fields[3].trim()))));
    }
    return bookmarks;
  }

  @Override
  public Bookmark bookmark(SnapshotName snapshot, String shortName) {
    requireBookmarks();
    String name = snapshot.dataset() + "#" + shortName;
    runZfs("bookmark", snapshot.toString(), name);
    return listBookmarks(snapshot.dataset()).stream()
        .filter(b -> b.fullName().equals(name))
        .findFirst()
        .orElseThrow(() -> new IllegalStateException(host.name() + ": " + name + " vanished"));
  }

  @Override
  public void destroyBookmark(Bookmark bookmark) {
    requireBookmarks();
    runZfs("destroy", bookmark.fullName());
  }

  private void requireBookmarks() {
    if (!capabilities().bookmarks()) {
      throw new IllegalArgumentException(
          host.name() + " (" + capabilities().implementation() + ") has no bookmarks");
    }
  }

  @Override
  public List<DatasetName> listDatasets(DatasetName root) {
    return listProperties(root, List.of()).stream().map(DatasetProperties::dataset).toList();
  }

  @Override
  public List<DatasetProperties> listProperties(DatasetName root, List<PropertyName> properties) {
    StringBuilder columns = new StringBuilder("name");
    properties.forEach(p -> columns.append(',').append(p));
    String out =
        runZfs(
            "list",
            "-H",
            "-r",
            "-t",
            "filesystem,volume",
            "-o",
            columns.toString(),
            root.toString());
    List<DatasetProperties> all = new ArrayList<>();
    for (String line : out.split("\n")) {
      if (line.isBlank()) {
        continue;
      }
      // -H separates columns by tabs; a name or a mountpoint may hold spaces.
      String[] fields = line.split("\t", -1);
      if (fields.length != properties.size() + 1) {
        throw new IllegalArgumentException("unexpected zfs list line: " + ZfsNames.printable(line));
      }
      Map<PropertyName, String> values = new HashMap<>();
      for (int i = 0; i < properties.size(); i++) {
        String value = fields[i + 1];
        if (!value.equals("-") && !value.isEmpty()) {
          values.put(properties.get(i), value);
        }
      }
      all.add(new DatasetProperties(DatasetName.of(fields[0]), values));
    }
    return all;
  }

  @Override
  public boolean exists(DatasetName dataset) {
    CommandResult result =
        host.run(zfs("list", "-H", "-o", "name", dataset.toString()), commandTimeout);
    if (result.succeeded()) {
      return true;
    }
    ZfsCommandException failure = failure(result);
    if (failure.reason() == ZfsCommandException.Reason.NOT_FOUND) {
      return false;
    }
    throw failure;
  }

  @Override
  public void createFilesystem(DatasetName dataset) {
    runZfs("create", dataset.toString());
  }

  @Override
  public SnapshotName snapshot(DatasetName dataset, String shortName, boolean recursive) {
    SnapshotName name = dataset.snapshot(shortName);
    if (recursive) {
      runZfs("snapshot", "-r", name.toString());
    } else {
      runZfs("snapshot", name.toString());
    }
    return name;
  }

  @Override
  public void destroySnapshot(SnapshotName snapshot) {
    runRetryingWhenBusy(zfs("destroy", snapshot.toString()));
  }

  @Override
  public SnapshotDestruction destroySnapshots(List<SnapshotName> snapshots) {
    if (!capabilities().destroySnapshotLists()) {
      return SnapshotDestruction.oneByOne(this, snapshots);
    }
    return SnapshotDestruction.inLists(
        this,
        snapshots,
        list -> host.run(zfs("destroy", SnapshotDestruction.listArgument(list)), commandTimeout));
  }

  @Override
  public void destroyDataset(DatasetName dataset, boolean recursive) {
    if (dataset.isPool()) {
      throw new IllegalArgumentException(
          "refusing to destroy the root dataset of pool " + dataset + "; destroy its children");
    }
    runRetryingWhenBusy(
        recursive ? zfs("destroy", "-r", dataset.toString()) : zfs("destroy", dataset.toString()));
  }

  @Override
  public void rename(DatasetName from, DatasetName to) {
    Command rename = zfs("rename", from.toString(), to.toString());
    CommandResult first = host.run(rename, commandTimeout);
    if (first.succeeded()) {
      return;
    }
    ZfsCommandException failure = failure(first);
    if (failure.reason() != ZfsCommandException.Reason.BUSY) {
      throw failure;
    }
    // zfs-fuse renames a mounted filesystem only after unmounting it, and reports "busy" when
    // that races with its own FUSE teardown; unmounting first avoids the race, and the dataset is
    // mounted again at its new place.
    boolean unmounted = host.run(zfs("unmount", from.toString()), commandTimeout).succeeded();
    runRetryingWhenBusy(rename);
    if (unmounted) {
      host.run(zfs("mount", to.toString()), commandTimeout);
    }
  }

  @Override
  public void unmount(DatasetName dataset) {
    CommandResult result = host.run(zfs("unmount", dataset.toString()), commandTimeout);
    if (!result.succeeded() && !result.stderr().contains("not currently mounted")) {
      throw failure(result);
    }
  }

  @Override
  public void mount(DatasetName dataset) {
    CommandResult result = host.run(zfs("mount", dataset.toString()), commandTimeout);
    if (!result.succeeded() && !result.stderr().contains("already mounted")) {
      throw failure(result);
    }
  }

  @Override
  public List<DatasetName> mountedReadOnlyBeyondProperty(DatasetName root) {
    List<DatasetName> stuck = new ArrayList<>();
    String out =
        runZfs(
            "get", "-H", "-r", "-s", "temporary", "-o", "name,value", "readonly", root.toString());
    for (String line : out.split("\n")) {
      String[] fields = line.split("\t");
      if (fields.length == 2 && fields[1].equals("on") && !fields[0].contains("@")) {
        stuck.add(DatasetName.of(fields[0]));
      }
    }
    return stuck;
  }

  @Override
  public void remountWritable(DatasetName dataset) {
    runZfs("mount", "-o", "remount,rw", dataset.toString());
  }

  @Override
  public void rollback(SnapshotName snapshot, boolean destroyLater) {
    if (destroyLater) {
      runZfs("rollback", "-r", snapshot.toString());
    } else {
      runZfs("rollback", snapshot.toString());
    }
  }

  @Override
  public Optional<String> getSnapshotProperty(SnapshotName snapshot, PropertyName property) {
    return valueOf(
        runZfs("get", "-H", "-p", "-o", "value", property.toString(), snapshot.toString()));
  }

  @Override
  public Optional<String> getProperty(DatasetName dataset, PropertyName property) {
    return valueOf(
        runZfs("get", "-H", "-p", "-o", "value", property.toString(), dataset.toString()));
  }

  @Override
  public Optional<String> getOwnProperty(DatasetName dataset, PropertyName property) {
    return valueOf(
        runZfs(
            "get",
            "-H",
            "-p",
            "-s",
            "local,received",
            "-o",
            "value",
            property.toString(),
            dataset.toString()));
  }

  private static Optional<String> valueOf(String out) {
    String value = out.strip();
    return value.equals("-") || value.isEmpty() ? Optional.empty() : Optional.of(value);
  }

  @Override
  public void inheritProperty(DatasetName dataset, PropertyName property) {
    runZfs("inherit", property.toString(), dataset.toString());
  }

  @Override
  public void setProperty(DatasetName dataset, PropertyName property, String value) {
    if (value.isEmpty() || value.chars().anyMatch(c -> c < 0x20 || c == 0x7f)) {
      throw new IllegalArgumentException(
          "property value for " + property + " must be non-empty printable text");
    }
    runZfs("set", property + "=" + value, dataset.toString());
  }

  @Override
  public RunningCommand send(SendSpec spec) {
    return sizeAnnouncing.watch(host.start(sendCommand(spec)));
  }

  @Override
  public Optional<LocalLaunch> sendLaunch(SendSpec spec, List<String> wrapper) {
    return host.launch(wrapped(wrapper, sendCommand(spec)))
        .map(l -> l.adoptedBy(sizeAnnouncing::watch));
  }

  private static Command wrapped(List<String> wrapper, Command command) {
    if (wrapper.isEmpty()) {
      return command;
    }
    List<String> argv = new ArrayList<>(wrapper);
    argv.addAll(command.argv());
    return new Command(argv);
  }

  private Command sendCommand(SendSpec spec) {
    SendFlags wanted = spec.flags();
    SendFlags possible = wanted.supportedBy(capabilities());
    if (!possible.equals(wanted)) {
      throw new IllegalArgumentException(
          host.name() + " (" + capabilities().implementation() + ") cannot send with " + wanted);
    }
    return zfs(sizeAnnouncing.arguments(spec.arguments(), capabilities()));
  }

  @Override
  public OptionalLong announcedSendSize(RunningCommand send) {
    return SizeAnnouncingSends.announced(send);
  }

  @Override
  public RunningCommand receive(ReceiveSpec spec) {
    return host.start(receiveCommand(spec));
  }

  @Override
  public Optional<LocalLaunch> receiveLaunch(ReceiveSpec spec) {
    return host.launch(receiveCommand(spec));
  }

  @Override
  public boolean launchesLocally() {
    return host.launchesLocally();
  }

  private Command receiveCommand(ReceiveSpec spec) {
    if (!spec.supportedBy(capabilities()).equals(spec)) {
      throw new IllegalArgumentException(
          host.name() + " (" + capabilities().implementation() + ") cannot receive with " + spec);
    }
    return zfs(spec.arguments());
  }

  @Override
  public boolean hasOwnFiles(DatasetName dataset) {
    String ownMountpoint = null;
    Set<String> childMountpoints = new HashSet<>();
    for (DatasetProperties listed : listProperties(dataset, List.of(TYPE, MOUNTED, MOUNTPOINT))) {
      if (!listed.is(TYPE, "filesystem")) {
        continue;
      }
      Optional<String> mountpoint = listed.get(MOUNTPOINT);
      if (listed.dataset().equals(dataset)) {
        if (!listed.is(MOUNTED, "yes") || mountpoint.filter(m -> m.startsWith("/")).isEmpty()) {
          return true;
        }
        ownMountpoint = mountpoint.get();
      } else {
        mountpoint.ifPresent(childMountpoints::add);
      }
    }
    if (ownMountpoint == null) {
      return true;
    }
    CommandResult entries =
        host.run(
            new Command(List.of("find", ownMountpoint, "-mindepth", "1", "-maxdepth", "1")),
            commandTimeout);
    if (!entries.succeeded()) {
      return true;
    }
    return entries.stdout().lines().anyMatch(path -> !childMountpoints.contains(path));
  }

  @Override
  public OptionalLong estimateSendSize(SendSpec spec) {
    if (capabilities().sendSizeEstimate()) {
      List<String> args = new ArrayList<>(spec.arguments());
      args.add(1, "-n");
      args.add(2, "-P");
      CommandResult result = host.run(zfs(args), commandTimeout);
      if (!result.succeeded()) {
        return OptionalLong.empty();
      }
      return parseSizeEstimate(result.stdout() + "\n" + result.stderr());
    }
    if (spec instanceof SendSpec.Full full && !full.flags().replicate()) {
      return getProperty(full.to().dataset(), PropertyName.of("referenced"))
          .map(v -> OptionalLong.of(Long.parseLong(v)))
          .orElse(OptionalLong.empty());
    }
    return OptionalLong.empty();
  }

  @Override
  public Optional<ResumeToken> resumeToken(DatasetName dataset) {
    if (!capabilities().resumableReceive() || !exists(dataset)) {
      return Optional.empty();
    }
    return getProperty(dataset, PropertyName.of("receive_resume_token")).map(ResumeToken::new);
  }

  @Override
  public RunningCommand resumeSend(ResumeToken token) {
    return host.start(resumeSendCommand(token));
  }

  private Command resumeSendCommand(ResumeToken token) {
    return zfs("send", "-t", token.value());
  }

  @Override
  public Optional<LocalLaunch> resumeSendLaunch(ResumeToken token, List<String> wrapper) {
    return host.launch(wrapped(wrapper, resumeSendCommand(token)));
  }

  @Override
  public void abortResumableReceive(DatasetName dataset) {
    runZfs("receive", "-A", dataset.toString());
  }

  @Override
  public Optional<List<String>> changedPaths(SnapshotName since, DatasetName dataset) {
    CommandResult result =
        host.run(zfs("diff", "-H", since.toString(), dataset.toString()), commandTimeout);
    if (!result.succeeded()) {
      // zfs-fuse has no diff subcommand; OpenZFS refuses it on some setups (unmounted, raw).
      return Optional.empty();
    }
    return Optional.of(result.stdout().lines().filter(l -> !l.isBlank()).toList());
  }

  static OptionalLong parseSizeEstimate(String output) {
    for (String line : output.split("\n")) {
      String[] fields = line.strip().split("\\s+");
      if (fields.length == 2 && fields[0].equals("size")) {
        return OptionalLong.of(Long.parseLong(fields[1]));
      }
    }
    return OptionalLong.empty();
  }

  @Override
  public String poolHealth(DatasetName dataset, Duration timeout) {
    CommandResult result =
        host.run(
            new Command(List.of(zpoolProgram(), "list", "-H", "-o", "health", dataset.pool())),
            timeout);
    if (!result.succeeded()) {
      throw failure(result);
    }
    String health = result.stdout().strip();
    if (health.equals("ONLINE") && !capabilities().healthShowsSuspended()) {
      return suspendedByStatus(dataset.pool(), timeout) ? "SUSPENDED" : health;
    }
    return health;
  }

  /**
   * Whether {@code zpool status POOL} names the status that OpenZFS shows as {@code SUSPENDED}
   * health: I/O failures under {@code failmode=wait} (message ZFS-8000-HC).
   */
  private boolean suspendedByStatus(String pool, Duration timeout) {
    CommandResult status = host.run(new Command(List.of(zpoolProgram(), "status", pool)), timeout);
    if (!status.succeeded()) {
      throw failure(status);
    }
    return status.stdout().contains("faulted in response to IO failures")
        || status.stdout().contains("ZFS-8000-HC");
  }

  /**
   * zpool(8) beside the configured zfs(8): a test's {@code /opt/x/zfs} means {@code /opt/x/zpool}.
   */
  private String zpoolProgram() {
    return zfsProgram.endsWith("zfs")
        ? zfsProgram.substring(0, zfsProgram.length() - "zfs".length()) + "zpool"
        : "zpool";
  }

  private String runZfs(String... args) {
    CommandResult result = host.run(zfs(args), commandTimeout);
    if (!result.succeeded()) {
      throw failure(result);
    }
    return result.stdout();
  }

  private void runRetryingWhenBusy(Command command) {
    for (int attempt = 1; ; attempt++) {
      CommandResult result = host.run(command, commandTimeout);
      if (result.succeeded()) {
        return;
      }
      ZfsCommandException failure = failure(result);
      if (failure.reason() != ZfsCommandException.Reason.BUSY || attempt >= BUSY_RETRIES) {
        throw failure;
      }
      log.debug("{}: '{}' busy, retrying ({}/{})", host.name(), command, attempt, BUSY_RETRIES);
      sleep(BUSY_RETRY_DELAY);
    }
  }

  private ZfsCommandException failure(CommandResult result) {
    return new ZfsCommandException(
        result.host(), result.command(), result.exitCode(), result.stderr());
  }

  private Command zfs(String... args) {
    return zfs(List.of(args));
  }

  private Command zfs(List<String> args) {
    List<String> argv = new ArrayList<>(args.size() + 1);
    argv.add(zfsProgram);
    argv.addAll(args);
    return new Command(argv);
  }

  private static void sleep(Duration duration) {
    try {
      Thread.sleep(duration.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }
}
