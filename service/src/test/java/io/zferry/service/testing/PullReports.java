package io.zferry.service.testing;

import io.zferry.snapshot.zfs.DatasetName;
import io.zferry.snapshot.zfs.Snapshot;
import io.zferry.sync.pull.DatasetOutcome;
import io.zferry.sync.pull.PullReport;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** Pull reports for tests of what runs pulls and reads their reports. */
public final class PullReports {
  private PullReports() {}

  /** A pull of {@code pool} at {@code at} with these outcomes, its pool root at {@code root}. */
  public static PullReport of(
      DatasetName pool, Instant at, Snapshot root, List<DatasetOutcome> outcomes) {
    return new PullReport(
        pool,
        at,
        at,
        outcomes,
        Optional.of(root),
        List.of(),
        List.of(),
        List.of(),
        List.of(),
        List.of());
  }

  /** A pull that found {@code pool} up to date at {@code root}. */
  public static PullReport upToDate(DatasetName pool, Snapshot root) {
    return of(pool, Instant.EPOCH, root, List.of(new DatasetOutcome.Current(pool, "up to date")));
  }
}
