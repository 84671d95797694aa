package io.zferry.sync.serve;

import io.zferry.snapshot.zfs.Bookmark;
import io.zferry.snapshot.zfs.DatasetName;
import io.zferry.snapshot.zfs.PropertyName;
import io.zferry.snapshot.zfs.ResumeToken;
import io.zferry.snapshot.zfs.ResumeTokenContents;
import io.zferry.snapshot.zfs.SnapshotName;
import java.util.ArrayList;
import java.util.List;

/**
 * The allow-list of {@code zferry serve}: exactly the commands a zferry node runs on its peer over
 * SSH, in the shapes {@code CliZfs} builds them, with every name validated by the same records the
 * client uses. zferry pulls: the node that receives runs {@code zfs receive} locally, so its peer
 * is only ever asked to describe its pool and to send streams. Nothing on this list writes to the
 * serving node, so a stolen node key can read replicated data but cannot destroy, roll back,
 * overwrite or receive anything.
 *
 * <ul>
 *   <li>{@code zfs version}, {@code zfs list -H -p -o name}: capability detection
 *   <li>{@code zfs list -H -o name DATASET}: whether a dataset exists
 *   <li>{@code zfs list -H -p -r -t snapshot -o name,guid,createtxg,creation DATASET} (OpenZFS) and
 *       {@code zfs get -H -p -r -o name,property,value guid,createtxg,creation DATASET} (zfs-fuse):
 *       the snapshot listing
 *   <li>{@code zfs get -H -p -o value PROPERTY DATASET|SNAPSHOT}: one property (size estimates)
 *   <li>{@code zfs get -H -p -s local,received -o value PROPERTY DATASET}: the dataset's own value
 *       (the pair's send flags, recorded there while it was the passive)
 *   <li>{@code zfs send [-n -P] [-R] [-p] [-c] [-w] [-L] [-e] [-I|-i FROM] TO}: a stream, or its
 *       size
 *   <li>{@code zfs send [flags] -i DATASET#BOOKMARK DATASET@SNAPSHOT}: an incremental from a
 *       bookmark, when the snapshot it marks is gone (OpenZFS)
 *   <li>{@code zfs list -H -p -r -t bookmark -o name,guid,createtxg,creation DATASET}: the bookmark
 *       listing (OpenZFS)
 *   <li>{@code zfs send -t TOKEN}: the rest of an interrupted stream (OpenZFS)
 * </ul>
 *
 * Flags must come in that order and each at most once, as the client writes them.
 */
public final class ServePolicy {
  public static final String PROGRAM = "zfs";

  /**
   * The word before a send whose stream the peer wants compressed on the wire ({@code zferry-zstd
   * zfs send ...}).
   */
  public static final String COMPRESSED = "zferry-zstd";

  /** What the compressor runs on the sending node and decodes on the receiving one. */
  public static final String ZSTD = "/usr/bin/zstd";

  private ServePolicy() {}

  /**
   * {@link #check(List)}, and every dataset the command reads must be in one of {@code pools}: a
   * stolen node key reads the services' pools, never the rest of the system.
   *
   * @throws RefusedCommandException naming the dataset and the pools it may read
   */
  public static AllowedOperation check(List<String> argv, ServedPools pools) {
    AllowedOperation operation = check(argv);
    for (DatasetName dataset : operation.datasets()) {
      if (!pools.serves(dataset)) {
        throw new RefusedCommandException(
            dataset
                + " is not in a pool of this node's services ("
                + pools.describe()
                + "); zferry serve sends only those");
      }
    }
    return operation;
  }

  /**
   * @param argv the parsed command line, program first
   * @return the accepted operation
   * @throws RefusedCommandException naming why the command is not one zferry needs
   */
  public static AllowedOperation check(List<String> argv) {
    if (!argv.isEmpty() && argv.get(0).equals(COMPRESSED)) {
      AllowedOperation operation = check(argv.subList(1, argv.size()));
      if (!operation.name().equals("send") && !operation.name().equals("resume-send")) {
        throw new RefusedCommandException(
            "'" + COMPRESSED + "' compresses a send's stream only, not '" + operation.name() + "'");
      }
      return operation.compressedOutput();
    }
    if (argv.isEmpty() || !argv.get(0).equals(PROGRAM)) {
      throw new RefusedCommandException(
          "only 'zfs' may run, not '" + (argv.isEmpty() ? "" : argv.get(0)) + "'");
    }
    List<String> args = argv.subList(1, argv.size());
    if (args.isEmpty()) {
      throw new RefusedCommandException("'zfs' needs a subcommand");
    }
    try {
      switch (args.get(0)) {
        case "version":
          return exactly(args, "version", List.of("version"));
        case "list":
          return list(args);
        case "get":
          return get(args);
        case "send":
          return send(args);
        default:
          throw new RefusedCommandException(
              "'zfs "
                  + args.get(0)
                  + "' is not an operation zferry's peer may run (only list, get, send, version)");
      }
    } catch (IllegalArgumentException e) {
      // InvalidNameException included: a name that does not fit the ZFS grammar.
      throw new RefusedCommandException(e.getMessage());
    }
  }

  private static AllowedOperation list(List<String> args) {
    if (args.equals(List.of("list", "-H", "-p", "-o", "name"))) {
      // Names only, of every pool: older clients probe -p with it, and it sends no data.
      return new AllowedOperation("probe-list-parsable", args, List.of());
    }
    if (args.size() == 5 && args.subList(0, 4).equals(List.of("list", "-H", "-o", "name"))) {
      return new AllowedOperation("exists", args, List.of(dataset(args.get(4))));
    }
    List<String> snapshots =
        List.of("list", "-H", "-p", "-r", "-t", "snapshot", "-o", "name,guid,createtxg,creation");
    if (args.size() == snapshots.size() + 1
        && args.subList(0, snapshots.size()).equals(snapshots)) {
      return new AllowedOperation(
          "list-snapshots", args, List.of(dataset(args.get(snapshots.size()))));
    }
    List<String> bookmarks =
        List.of("list", "-H", "-p", "-r", "-t", "bookmark", "-o", "name,guid,createtxg,creation");
    if (args.size() == bookmarks.size() + 1
        && args.subList(0, bookmarks.size()).equals(bookmarks)) {
      return new AllowedOperation(
          "list-bookmarks", args, List.of(dataset(args.get(bookmarks.size()))));
    }
    throw notAllowed(args);
  }

  /** One property's value, or the dataset's own value only (a pair's send flags). */
  private static final List<List<String>> PROPERTY_READS =
      List.of(
          List.of("get", "-H", "-p", "-o", "value"),
          List.of("get", "-H", "-p", "-s", "local,received", "-o", "value"));

  private static AllowedOperation get(List<String> args) {
    List<String> snapshots =
        List.of("get", "-H", "-p", "-r", "-o", "name,property,value", "guid,createtxg,creation");
    if (args.size() == snapshots.size() + 1
        && args.subList(0, snapshots.size()).equals(snapshots)) {
      return new AllowedOperation(
          "list-snapshots", args, List.of(dataset(args.get(snapshots.size()))));
    }
    for (List<String> property : PROPERTY_READS) {
      if (args.size() == property.size() + 2 && args.subList(0, property.size()).equals(property)) {
        PropertyName.of(args.get(property.size()));
        String target = args.get(property.size() + 1);
        DatasetName dataset =
            target.contains("@") ? SnapshotName.parse(target).dataset() : dataset(target);
        return new AllowedOperation("get-property", args, List.of(dataset));
      }
    }
    throw notAllowed(args);
  }

  private static AllowedOperation send(List<String> args) {
    if (args.size() == 3 && args.get(1).equals("-t")) {
      // zfs send -t sends whatever the token names: read the name for the pool check.
      SnapshotName resumed = ResumeTokenContents.toName(new ResumeToken(args.get(2)));
      return new AllowedOperation("resume-send", args, List.of(resumed.dataset()));
    }
    int i = 1;
    boolean estimate = false;
    if (at(args, i, "-n")) {
      if (!at(args, i + 1, "-P")) {
        throw notAllowed(args);
      }
      estimate = true;
      i += 2;
    } else if (at(args, i, "-P")) {
      // A send that prints its own size estimate on stderr before the stream.
      i++;
    }
    boolean replicate = at(args, i, "-R");
    if (replicate) {
      i++;
    }
    if (at(args, i, "-p")) {
      if (replicate) {
        throw new RefusedCommandException("-p is implied by -R; zferry never sends both");
      }
      i++;
    }
    for (String flag : List.of("-c", "-w", "-L", "-e")) {
      if (at(args, i, flag)) {
        i++;
      }
    }
    List<String> names = new ArrayList<>(args.subList(i, args.size()));
    String kind = estimate ? "estimate-send" : "send";
    if (names.size() == 1) {
      return new AllowedOperation(kind, args, List.of(snapshot(names.get(0)).dataset()));
    }
    if (names.size() == 3 && names.get(0).equals("-i") && names.get(1).contains("#")) {
      String[] from = Bookmark.split(names.get(1));
      DatasetName fromDataset = dataset(from[0]);
      SnapshotName to = snapshot(names.get(2));
      fromDataset.snapshot(from[1]); // a bookmark's name follows the snapshot name grammar
      if (!fromDataset.equals(to.dataset())) {
        throw new RefusedCommandException(
            "an incremental send from a bookmark needs both of one dataset, not "
                + names.get(1)
                + " and "
                + to);
      }
      return new AllowedOperation(kind, args, List.of(fromDataset));
    }
    if (names.size() == 3 && (names.get(0).equals("-I") || names.get(0).equals("-i"))) {
      SnapshotName from = snapshot(names.get(1));
      SnapshotName to = snapshot(names.get(2));
      if (!from.dataset().equals(to.dataset()) || from.equals(to)) {
        throw new RefusedCommandException(
            "an incremental send needs two different snapshots of one dataset, not "
                + from
                + " and "
                + to);
      }
      return new AllowedOperation(kind, args, List.of(to.dataset()));
    }
    throw notAllowed(args);
  }

  private static boolean at(List<String> args, int index, String flag) {
    return index < args.size() && args.get(index).equals(flag);
  }

  private static DatasetName dataset(String value) {
    return DatasetName.of(value);
  }

  private static SnapshotName snapshot(String value) {
    if (!value.contains("@")) {
      throw new RefusedCommandException("'" + value + "' is not a snapshot name (dataset@name)");
    }
    return SnapshotName.parse(value);
  }

  private static AllowedOperation exactly(List<String> args, String name, List<String> shape) {
    if (args.equals(shape)) {
      return new AllowedOperation(name, args, List.of());
    }
    throw notAllowed(args);
  }

  private static RefusedCommandException notAllowed(List<String> args) {
    return new RefusedCommandException(
        "'zfs "
            + String.join(" ", args)
            + "' does not have the shape of an operation zferry runs on its peer");
  }
}
