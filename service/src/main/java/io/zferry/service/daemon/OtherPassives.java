package io.zferry.service.daemon;

import io.zferry.service.failover.PeerView;
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

  private final String service;
  private final DatasetName pool;
  private final Zfs localZfs;
  private final PeerRoute peers;
  private final Duration heartbeatTimeout;
  private final Function<PullLoop.Source, Optional<PullReport>> pullFrom;

  OtherPassives(
      String service,
      DatasetName pool,
      Zfs localZfs,
      PeerRoute peers,
      Duration heartbeatTimeout,
      Function<PullLoop.Source, Optional<PullReport>> pullFrom) {
    this.service = service;
    this.pool = pool;
    this.localZfs = localZfs;
    this.peers = peers;
    this.heartbeatTimeout = heartbeatTimeout;
    this.pullFrom = pullFrom;
  }

  /**
   * Pulls from each answering passive whose last applied snapshot is not here; what it did, for the
   * log. A pull that fails is said and left: the takeover goes on with what this node holds.
   */
  String catchUp() {
    String owner = peers.owner().map(c -> c.name().value()).orElse("");
    Set<String> here;
    try {
      here =
          localZfs.listSnapshots(pool).snapshots().stream()
              .filter(s -> s.dataset().equals(pool))
              .map(s -> s.guid().toString())
              .collect(Collectors.toSet());
    } catch (RuntimeException e) {
      return "could not list " + pool + " to compare with the other passives: " + e.getMessage();
    }
    List<String> done = new ArrayList<>();
    for (PeerChannel other : peers.all()) {
      String name = other.name().value();
      if (name.equals(owner) || !answers(other)) {
        continue;
      }
      // Its own listing, not its heartbeat's last applied: a passive that was the owner until a
      // planned move holds its final snapshot without ever having pulled it.
      Optional<Snapshot> newest;
      try {
        newest =
            other.zfs().listSnapshots(pool).snapshots().stream()
                .filter(s -> s.dataset().equals(pool))
                .max(Snapshot.BY_CREATION);
      } catch (RuntimeException e) {
        done.add("could not list " + name + "'s snapshots: " + e.getMessage());
        continue;
      }
      if (newest.isEmpty() || here.contains(newest.get().guid().toString())) {
        continue;
      }
      log.info(
          "{}: {} holds {}, which is not here: pulling from it before taking over",
          service,
          name,
          newest.get().name());
      Optional<PullReport> report = pullFrom.apply(new PullLoop.Source(other.name(), other.zfs()));
      done.add(
          "from " + name + ": " + report.map(PullReport::summary).orElse("no pull (see the log)"));
    }
    return done.isEmpty()
        ? "no other passive is further along"
        : "caught up " + String.join("; ", done);
  }

  private boolean answers(PeerChannel other) {
    return other.watch().view(service, heartbeatTimeout) instanceof PeerView.Answering;
  }
}
