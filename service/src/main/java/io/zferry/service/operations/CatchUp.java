package io.zferry.service.operations;

import io.zferry.service.config.DurationText;
import io.zferry.snapshot.zfs.SnapshotListing;
import io.zferry.sync.pull.DatasetOutcome;
import io.zferry.sync.pull.PullReport;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * The passive's part of a switchover: pull until the final snapshot is applied on every dataset of
 * the service, checked by GUID in this node's own listing (a pull that reports success for the
 * pool's root says nothing about a child that never arrived). While it runs the active is read-only
 * with its VIPs down, so it retries only what can still succeed (a connection that failed, a busy
 * pool) and gives up at once on what cannot: the sync locked, the copies diverged, the pool out of
 * space, a dataset whose pull failed permanently. The limit is measured on the monotonic clock.
 */
public final class CatchUp {
  /** How long a switchover waits for the passive to apply the final snapshot. */
  public static final Duration LIMIT = Duration.ofMinutes(30);

  private final String self;
  private final Supplier<Optional<PullReport>> pull;
  private final Supplier<SnapshotListing> applied;
  private final BooleanSupplier locked;
  private final LongSupplier nanoTime;
  private final Runnable pause;

  /**
   * @param pull one pull cycle now; empty if it did not run or failed before it could report
   * @param applied this node's snapshots of the pool, read after a pull
   * @param locked whether the sync of the service is locked on this node
   * @param pause between attempts
   */
  public CatchUp(
      String self,
      Supplier<Optional<PullReport>> pull,
      Supplier<SnapshotListing> applied,
      BooleanSupplier locked,
      LongSupplier nanoTime,
      Runnable pause) {
    this.self = self;
    this.pull = pull;
    this.applied = applied;
    this.locked = locked;
    this.nanoTime = nanoTime;
    this.pause = pause;
  }

  public String run(FinalSnapshot expected) {
    String snapshotName = expected.name().toString();
    long started = nanoTime.getAsLong();
    String last = "no pull yet";
    String notApplied = "";
    while (nanoTime.getAsLong() - started < LIMIT.toNanos()) {
      if (locked.getAsBoolean()) {
        throw hopeless(snapshotName, "the sync is locked on " + self);
      }
      Optional<PullReport> report = pull.get();
      if (report.isPresent()) {
        PullReport r = report.get();
        last = r.summary();
        Optional<List<FinalSnapshot.Mismatch>> mismatches = mismatches(expected);
        if (mismatches.isPresent() && mismatches.get().isEmpty()) {
          return "applied "
              + snapshotName
              + " on "
              + expected.guids().size()
              + " dataset(s), each with the active's GUID";
        }
        notApplied = mismatches.map(m -> FinalSnapshot.describe(m) + "; ").orElse("");
        if (r.diverged()) {
          throw hopeless(snapshotName, notApplied + "the copies diverged: " + last);
        }
        Optional<String> full = outOfSpace(r);
        if (full.isPresent()) {
          throw hopeless(snapshotName, notApplied + "the pool is full: " + full.get());
        }
        Optional<String> permanent = mismatches.flatMap(m -> failedPermanently(r, m));
        if (permanent.isPresent()) {
          throw hopeless(snapshotName, notApplied + "its pull failed: " + permanent.get());
        }
      }
      pause.run();
    }
    throw new OperationException(
        OperationException.Kind.FAILED,
        self
            + " could not apply "
            + snapshotName
            + " within "
            + DurationText.format(LIMIT)
            + "; "
            + notApplied
            + "last pull: "
            + last);
  }

  /** What this node lacks of the final snapshot; empty if its own listing failed. */
  private Optional<List<FinalSnapshot.Mismatch>> mismatches(FinalSnapshot expected) {
    try {
      return Optional.of(expected.mismatches(applied.get()));
    } catch (RuntimeException e) {
      return Optional.empty();
    }
  }

  /**
   * A failure the next cycle repeats, of a dataset that lacks the final snapshot or of a parent
   * whose failure skips it.
   */
  private static Optional<String> failedPermanently(
      PullReport report, List<FinalSnapshot.Mismatch> mismatches) {
    return report.outcomes().stream()
        .filter(o -> o instanceof DatasetOutcome.Failed f && f.permanent())
        .filter(o -> mismatches.stream().anyMatch(m -> o.dataset().contains(m.dataset())))
        .map(DatasetOutcome::describe)
        .findFirst();
  }

  private static Optional<String> outOfSpace(PullReport report) {
    return report.outcomes().stream()
        .filter(o -> o instanceof DatasetOutcome.Failed || o instanceof DatasetOutcome.NoRoomToKeep)
        .map(DatasetOutcome::describe)
        .filter(
            d -> {
              String text = d.toLowerCase(Locale.ROOT);
              return text.contains("out of space")
                  || text.contains("keeping the data it would replace")
                  || text.contains("no space left")
                  || text.contains("quota exceeded");
            })
        .findFirst();
  }

  private OperationException hopeless(String snapshotName, String why) {
    return new OperationException(
        OperationException.Kind.FAILED,
        self + " cannot apply " + snapshotName + ", and retrying will not help: " + why);
  }
}
