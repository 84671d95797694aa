package io.zferry.service.operations;

import io.zferry.service.config.DurationText;
import io.zferry.sync.pull.DatasetOutcome;
import io.zferry.sync.pull.PullReport;
import java.time.Duration;
import java.util.Locale;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * The passive's part of a switchover: pull until the final snapshot is applied. While it runs the
 * active is read-only with its VIPs down, so it retries only what can still succeed (a connection
 * that failed, a busy pool) and gives up at once on what cannot: the sync locked, the copies
 * diverged, the pool out of space. The limit is measured on the monotonic clock.
 */
public final class CatchUp {
  /** How long a switchover waits for the passive to apply the final snapshot. */
  public static final Duration LIMIT = Duration.ofMinutes(30);

  private final String self;
  private final Supplier<Optional<PullReport>> pull;
  private final BooleanSupplier locked;
  private final LongSupplier nanoTime;
  private final Runnable pause;

  /**
   * @param pull one pull cycle now; empty if it did not run or failed before it could report
   * @param locked whether the sync of the service is locked on this node
   * @param pause between attempts
   */
  public CatchUp(
      String self,
      Supplier<Optional<PullReport>> pull,
      BooleanSupplier locked,
      LongSupplier nanoTime,
      Runnable pause) {
    this.self = self;
    this.pull = pull;
    this.locked = locked;
    this.nanoTime = nanoTime;
    this.pause = pause;
  }

  public String run(String snapshotName, String guid) {
    long started = nanoTime.getAsLong();
    String last = "no pull yet";
    while (nanoTime.getAsLong() - started < LIMIT.toNanos()) {
      if (locked.getAsBoolean()) {
        throw hopeless(snapshotName, "the sync is locked on " + self);
      }
      Optional<PullReport> report = pull.get();
      if (report.isPresent()) {
        PullReport r = report.get();
        last = r.summary();
        if (r.newestApplied().map(s -> s.guid().toString()).filter(guid::equals).isPresent()) {
          return "applied " + snapshotName;
        }
        if (r.diverged()) {
          throw hopeless(snapshotName, "the copies diverged: " + last);
        }
        Optional<String> full = outOfSpace(r);
        if (full.isPresent()) {
          throw hopeless(snapshotName, "the pool is full: " + full.get());
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
            + "; last pull: "
            + last);
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
