package io.zferry.lockstate;

import java.time.Instant;
import java.util.Objects;

/**
 * The newest snapshot a node has received for a service. It is the node's evidence of what it holds
 * when the nodes cannot compare lists, for example the last common snapshot recorded with a sync
 * lock at failover.
 *
 * @param guid unsigned 64-bit decimal, see {@link #guidValue()}
 */
public record AppliedSnapshot(
    String service, String node, String snapshotName, String guid, Instant appliedAt) {
  public AppliedSnapshot {
    Checks.name("service", service);
    Checks.name("node", node);
    Checks.label("snapshot name", snapshotName);
    Checks.guid("snapshot GUID", guid);
    Objects.requireNonNull(appliedAt, "appliedAt");
  }

  /** The GUID's 64 bits; compare with {@link Long#compareUnsigned} if ordering matters. */
  public long guidValue() {
    return Long.parseUnsignedLong(guid);
  }
}
