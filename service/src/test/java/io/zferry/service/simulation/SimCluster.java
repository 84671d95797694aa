package io.zferry.service.simulation;

import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * What a simulated node and the simulated operator ask of the schedule they run in: its network,
 * its fence agent, its trace and the bookkeeping the invariants need. Two setups implement it: two
 * nodes under zferry's own rules ({@link Simulation}) and three under a simulated Pacemaker ({@link
 * PacemakerSimulation}).
 */
interface SimCluster {
  void note(String line);

  /** The node of that name. */
  SimNode node(String name);

  /** An operator action and its outcome: in the trace, and in the log of every such action. */
  void noteOperator(String line);

  /** Whether a message from one node reaches another now (both up, connected, not dropped). */
  boolean delivered(SimNode from, SimNode to);

  /** A request from one node to another and its reply, either of which may be lost. */
  <T> T overNetwork(SimNode from, SimNode to, String what, Supplier<T> action);

  long newGuid();

  /** I3: what a rollback or a receive discards must exist somewhere else. */
  void discarded(SimNode node, List<Integer> writes, String how);

  /** Writes the operator's mark-sync-as-fixed kept aside or, by choice, discarded. */
  void resolvedByOperator(List<Integer> writes);

  /** An unlock mark-sync-as-fixed asked this node for (I4). */
  void operatorUnlocks(SimNode node);

  /** The node's fence command against the peer it follows; empty if it succeeded. */
  Optional<String> fence(SimNode by);

  /** Whether a pull cycle cancelled now is stuck and acts later. */
  boolean pullCycleStuck(SimNode node);

  /** Whether the cluster has a witness (the operator relies on it when forcing). */
  boolean hasWitness();
}
