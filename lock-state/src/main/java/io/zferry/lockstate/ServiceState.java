package io.zferry.lockstate;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * Who owns a service, at which epoch, and whether its sync is locked. Every node not named as
 * active is passive for the service.
 *
 * @param epoch +1 on every change of owner; the higher epoch wins any dispute between the nodes
 * @param updatedAt when this node's store last changed the row (the injected clock, milliseconds)
 */
public record ServiceState(
    String service, String activeNode, long epoch, Optional<SyncLock> lock, Instant updatedAt) {
  public ServiceState {
    Checks.name("service", service);
    Checks.name("active node", activeNode);
    if (epoch < 0) {
      throw new IllegalArgumentException(
          "epoch of service " + Checks.printable(service) + " is negative: " + epoch);
    }
    Checks.present("lock", lock);
    Objects.requireNonNull(updatedAt, "updatedAt");
  }

  public boolean isActive(String node) {
    return activeNode.equals(node);
  }

  public boolean isLocked() {
    return lock.isPresent();
  }
}
