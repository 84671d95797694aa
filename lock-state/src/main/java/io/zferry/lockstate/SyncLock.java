package io.zferry.lockstate;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * A service's sync lock: while it is set nothing is pulled in either direction, because after an
 * automatic failover either node may hold writes the other lacks and only an operator can say which
 * to keep ({@code mark-sync-as-fixed}).
 *
 * @param reason why the lock was set, shown to the operator
 * @param since when it was set; the store keeps milliseconds
 * @param lockedBy who set it: a node name, "zferryd" or an operator
 * @param lastCommonSnapshot the newest snapshot both nodes had when the lock was set, if known; the
 *     older side rolls back to it when the lock is cleared
 * @param lastCommonGuid that snapshot's GUID (unsigned decimal); present exactly when the name is,
 *     because names can lie and GUIDs do not
 */
public record SyncLock(
    String reason,
    Instant since,
    String lockedBy,
    Optional<String> lastCommonSnapshot,
    Optional<String> lastCommonGuid) {
  public SyncLock {
    Checks.label("sync lock reason", reason);
    Objects.requireNonNull(since, "since");
    Checks.label("sync lock owner (lockedBy)", lockedBy);
    Checks.present("lastCommonSnapshot", lastCommonSnapshot);
    Checks.present("lastCommonGuid", lastCommonGuid);
    lastCommonSnapshot.ifPresent(name -> Checks.label("last common snapshot", name));
    lastCommonGuid.ifPresent(guid -> Checks.guid("last common snapshot GUID", guid));
    if (lastCommonSnapshot.isPresent() != lastCommonGuid.isPresent()) {
      throw new IllegalArgumentException(
          "a sync lock's last common snapshot needs both its name and its GUID, or neither (got "
              + lastCommonSnapshot.map(Checks::printable).orElse("no name")
              + " and "
              + lastCommonGuid.map(Checks::printable).orElse("no GUID")
              + ")");
    }
  }

  /** A lock without a known common snapshot. */
  public static SyncLock of(String reason, Instant since, String lockedBy) {
    return new SyncLock(reason, since, lockedBy, Optional.empty(), Optional.empty());
  }

  public SyncLock withLastCommon(String snapshotName, String guid) {
    return new SyncLock(reason, since, lockedBy, Optional.of(snapshotName), Optional.of(guid));
  }
}
