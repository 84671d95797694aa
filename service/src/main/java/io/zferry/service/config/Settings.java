package io.zferry.service.config;

import java.time.Duration;

/**
 * The replication settings of one service: the cluster-wide {@code defaults} with the service's own
 * {@code settings} laid over them key by key.
 *
 * @param snapshotInterval how often the active node snapshots the pool (5s..7d)
 * @param retentionCount how many zferry snapshots each node keeps (1..10000)
 * @param pullInterval how often the passive node asks for new snapshots (1s..1d)
 * @param stallTimeout a transfer that moves no byte for this long is killed (5s..1d)
 * @param bandwidthLimitBytesPerSecond replication rate limit; 0 for none
 * @param passiveHold how long the active keeps the snapshot the passive last applied beyond the
 *     retention count, counted from the passive's last report (0s..365d)
 */
public record Settings(
    Duration snapshotInterval,
    int retentionCount,
    Duration pullInterval,
    Duration stallTimeout,
    long bandwidthLimitBytesPerSecond,
    Duration passiveHold) {

  // The ranges are wide enough for any real deployment and narrow enough to catch a slipped unit
  // (15s or 15d typed for 15m, 4000 for 40) before it floods or starves a pool.
  public static final DurationRange SNAPSHOT_INTERVAL_RANGE = DurationRange.of("5s", "7d");
  public static final IntRange RETENTION_COUNT_RANGE = new IntRange(1, 10_000);
  public static final DurationRange PULL_INTERVAL_RANGE = DurationRange.of("1s", "1d");
  // A stall timeout of a few seconds would kill healthy transfers that pause while zfs recv
  // commits or the link is briefly saturated.
  public static final DurationRange STALL_TIMEOUT_RANGE = DurationRange.of("5s", "1d");
  // Long enough for a passive to come back from a weekend outage incrementally; bounded so a
  // passive that is gone for good does not pin old blocks on the active forever.
  public static final DurationRange PASSIVE_HOLD_RANGE = DurationRange.of("0s", "365d");

  /** 15 min × 40 snapshots = a 10 hour rollback window; lag stays near the 3 min pull interval. */
  public static final Settings DEFAULTS =
      new Settings(
          Duration.ofMinutes(15),
          40,
          Duration.ofMinutes(3),
          Duration.ofMinutes(2),
          0,
          Duration.ofDays(7));

  public Settings {
    SNAPSHOT_INTERVAL_RANGE.check("snapshotInterval", snapshotInterval);
    RETENTION_COUNT_RANGE.check("retentionCount", retentionCount);
    PULL_INTERVAL_RANGE.check("pullInterval", pullInterval);
    STALL_TIMEOUT_RANGE.check("stallTimeout", stallTimeout);
    requireBandwidthLimit("bandwidthLimit", bandwidthLimitBytesPerSecond);
    PASSIVE_HOLD_RANGE.check("passiveHold", passiveHold);
  }

  static long requireBandwidthLimit(String key, long bytesPerSecond) {
    if (bytesPerSecond < 0) {
      throw new ConfigValueException(
          key, bytesPerSecond + " is negative", "use 0 for no limit, or a rate such as 100MB/s");
    }
    return bytesPerSecond;
  }

  /** How far back an operator can roll a pool: snapshot interval × retention count. */
  public Duration rollbackWindow() {
    return snapshotInterval.multipliedBy(retentionCount);
  }
}
