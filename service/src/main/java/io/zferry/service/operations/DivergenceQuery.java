package io.zferry.service.operations;

import io.zferry.lockstate.ServiceState;
import io.zferry.lockstate.StateStore;

/**
 * {@code zferry divergence SERVICE}: what this node holds after the last snapshot it shares with
 * the owner. Only the node that is not the owner can diverge (the owner's newer data is what
 * replication brings over), so the owner refuses and names the node to ask.
 */
public final class DivergenceQuery {
  private DivergenceQuery() {}

  public static DivergenceReport run(
      StateStore store, String service, String self, String peer, DivergenceInspector inspector) {
    ServiceState record = store.serviceState(service).orElseThrow();
    if (record.isActive(self)) {
      throw new OperationException(
          OperationException.Kind.CONFLICT, self + " owns " + service + "; ask " + peer);
    }
    return inspector.inspect(self, record.activeNode());
  }
}
