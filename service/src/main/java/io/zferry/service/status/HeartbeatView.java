package io.zferry.service.status;

import java.util.List;

/**
 * The JSON of {@code GET /api/v1/heartbeat}: a node's claims about each service, read from its
 * state store only, so that it answers at once even while ZFS is busy.
 *
 * @param node the answering node
 * @param time its clock, ISO-8601
 * @param services its record of every service it runs
 */
public record HeartbeatView(String node, String time, List<ServiceClaim> services) {

  /**
   * @param lock null when the sync is not locked
   * @param lastApplied the snapshot this node last received as passive, null if none; the active
   *     spares it from retention so the passive can resume incrementally
   * @param health the node's pool and control loop (design §5 rule 9); null from a zferryd that
   *     does not report it
   * @param receiving per dataset, the oldest of the active's snapshots that this node's transfer
   *     (as passive) under way or interrupted still needs: its base, or a full stream's snapshot.
   *     The active's retention keeps it and every later snapshot of that dataset, within
   *     passiveHold, so the transfer resumes instead of starting over; null from a zferryd that
   *     does not report it
   */
  public record ServiceClaim(
      String name,
      String activeNode,
      long epoch,
      LockView lock,
      AppliedView lastApplied,
      HealthView health,
      List<AppliedView> receiving) {}

  /**
   * @param pool the pool's state as {@code zpool list -o health} last printed it, or UNKNOWN
   * @param zfsUnansweredSeconds since the pool's health probe last answered
   * @param controlIdleSeconds since the service's control loop last completed a step (0 while an
   *     operator action holds it)
   */
  public record HealthView(String pool, long zfsUnansweredSeconds, long controlIdleSeconds) {}

  /**
   * @param name full snapshot name
   * @param guid unsigned decimal
   */
  public record AppliedView(String name, String guid) {}

  /** A sync lock; the last common snapshot fields are null when unknown. */
  public record LockView(
      String reason,
      String since,
      String lockedBy,
      String lastCommonSnapshot,
      String lastCommonGuid) {}
}
