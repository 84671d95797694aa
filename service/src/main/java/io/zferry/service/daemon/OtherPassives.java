package io.zferry.service.daemon;

import io.zferry.service.failover.PeerView;
import io.zferry.service.status.StatusViews.ServiceStatus;
import io.zferry.service.status.StatusViews.SnapshotView;
import io.zferry.snapshot.zfs.DatasetName;
import io.zferry.snapshot.zfs.Snapshot;
import io.zferry.snapshot.zfs.Zfs;
import io.zferry.sync.pull.PullReport;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Before a passive takes a service over from an owner that does not answer, it pulls from every
 * other answering passive whose newest snapshot it lacks: they all pulled from the same owner, so
 * such a passive is further along, and the new owner starts from the newest copy any survivor
 * holds. The others then follow it incrementally, and the sync lock covers only what the old owner
 * alone held. Pacemaker's promotion scores rank passives only coarsely (two within a minute tie).
 */
final class OtherPassives {
  private static final Logger log = LoggerFactory.getLogger(OtherPassives.class);

  /** What a takeover asks of another passive. */
  interface Sibling {
    String name();

    boolean answers();

    /**
     * The GUID of the newest snapshot of the pool root its status reports, asked now; empty when it
     * does not answer or say.
     */
    Optional<String> reportedNewest();

    /** The newest snapshot of the pool root in its own listing, over SSH; throws if it fails. */
    Optional<Snapshot> listedNewest();

    PullLoop.Source source();
  }

  private final String service;
  private final Supplier<Set<String>> here;
  private final Supplier<List<Sibling>> siblings;
  private final Function<PullLoop.Source, Optional<PullReport>> pullFrom;

  /**
   * @param here the GUIDs of this node's snapshots of the pool root; throws if it cannot list them
   * @param siblings the other nodes but the owner of the record
   */
  OtherPassives(
      String service,
      Supplier<Set<String>> here,
      Supplier<List<Sibling>> siblings,
      Function<PullLoop.Source, Optional<PullReport>> pullFrom) {
    this.service = service;
    this.here = here;
    this.siblings = siblings;
    this.pullFrom = pullFrom;
  }

  /** The other passives of {@code peers}, their ZFS over SSH and their status over the API. */
  static OtherPassives of(
      String service,
      DatasetName pool,
      Zfs localZfs,
      PeerRoute peers,
      Duration heartbeatTimeout,
      Function<PullLoop.Source, Optional<PullReport>> pullFrom) {
    return new OtherPassives(
        service,
        () -> rootGuids(localZfs, pool),
        () -> {
          String owner = peers.owner().map(c -> c.name().value()).orElse("");
          return peers.all().stream()
              .filter(c -> !c.name().value().equals(owner))
              .<Sibling>map(c -> new ChannelSibling(service, pool, c, heartbeatTimeout))
              .toList();
        },
        pullFrom);
  }

  /**
   * Pulls from each answering passive whose newest snapshot is not here; what it did, for the log.
   * A pull that fails is said and left: the takeover goes on with what this node holds.
   */
  String catchUp() {
    Set<String> held;
    try {
      held = here.get();
    } catch (RuntimeException e) {
      return "could not list this node's snapshots to compare with the other passives: "
          + e.getMessage();
    }
    List<String> done = new ArrayList<>();
    for (Sibling other : siblings.get()) {
      if (!other.answers()) {
        continue;
      }
      // Its status, asked now, names the newest snapshot its pool holds: one HTTPS request, where
      // listing over SSH first opens a session (a JVM on that node), most of a second in the lab.
      Optional<String> reported = other.reportedNewest();
      if (reported.isPresent() && held.contains(reported.get())) {
        continue;
      }
      // Its own listing, not its heartbeat's last applied: a passive that was the owner until a
      // planned move holds its final snapshot without ever having pulled it.
      Optional<Snapshot> newest;
      try {
        newest = other.listedNewest();
      } catch (RuntimeException e) {
        done.add("could not list " + other.name() + "'s snapshots: " + e.getMessage());
        continue;
      }
      if (newest.isEmpty() || held.contains(newest.get().guid().toString())) {
        continue;
      }
      log.info(
          "{}: {} holds {}, which is not here: pulling from it before taking over",
          service,
          other.name(),
          newest.get().name());
      Optional<PullReport> report = pullFrom.apply(other.source());
      done.add(
          "from "
              + other.name()
              + ": "
              + report.map(PullReport::summary).orElse("no pull (see the log)"));
    }
    return done.isEmpty()
        ? "no other passive is further along"
        : "caught up " + String.join("; ", done);
  }

  private static Set<String> rootGuids(Zfs zfs, DatasetName pool) {
    return zfs.listSnapshots(pool).snapshots().stream()
        .filter(s -> s.dataset().equals(pool))
        .map(s -> s.guid().toString())
        .collect(Collectors.toSet());
  }

  /** Another node reached through its channel. */
  private record ChannelSibling(
      String service, DatasetName pool, PeerChannel channel, Duration heartbeatTimeout)
      implements Sibling {
    @Override
    public String name() {
      return channel.name().value();
    }

    @Override
    public boolean answers() {
      return channel.watch().view(service, heartbeatTimeout) instanceof PeerView.Answering;
    }

    @Override
    public Optional<String> reportedNewest() {
      return channel
          .client()
          .statusNow()
          .flatMap(status -> status.service(service))
          .map(ServiceStatus::lastSnapshot)
          .map(SnapshotView::guid);
    }

    @Override
    public Optional<Snapshot> listedNewest() {
      return channel.zfs().listSnapshots(pool).snapshots().stream()
          .filter(s -> s.dataset().equals(pool))
          .max(Snapshot.BY_CREATION);
    }

    @Override
    public PullLoop.Source source() {
      return new PullLoop.Source(channel.name(), channel.zfs());
    }
  }
}
