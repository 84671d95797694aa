package io.zferry.service.failover;

import io.zferry.lockstate.ServiceState;
import io.zferry.service.failover.PeerView.PeerServiceState;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Which of several peers the control step of one service looks at, when a node has more than one
 * (under Pacemaker, one active and up to eight passives). The failover rules weigh one peer; this
 * picks the one whose word matters most, in this order:
 *
 * <ol>
 *   <li>an answering peer whose record is newer than this node's (the highest epoch; of equals, the
 *       owner it names, which holds the record's lock): its record is adopted, even while the owner
 *       this node knew is silent (fenced, say);
 *   <li>while this node owns the record, an answering peer that names itself the owner (at this
 *       node's epoch or below) or another owner at this node's epoch: a rival claim the rules must
 *       see to hold or wait (I1);
 *   <li>while this node owns the record, an answering peer that agrees with it; else a silent one
 *       (an answering peer with an older record naming a third node neither serves nor knows
 *       whether that node does: it has merely not adopted this node's record yet);
 *   <li>the owner of this node's record, when another node owns it: whom a passive pulls from;
 *   <li>otherwise the first answering peer, else the first peer listed.
 * </ol>
 *
 * With two nodes it is always the one peer.
 */
public final class FollowedPeer {
  private FollowedPeer() {}

  /**
   * @param views each peer's view for this service, in the order the configuration lists them
   */
  public static String choose(String self, ServiceState local, Map<String, PeerView> views) {
    if (views.isEmpty()) {
      throw new IllegalArgumentException("no peers to choose from");
    }
    Map<String, PeerServiceState> answering = new LinkedHashMap<>();
    views.forEach(
        (peer, view) -> {
          if (view instanceof PeerView.Answering a && a.service().isPresent()) {
            answering.put(peer, a.service().get());
          }
        });
    // Of equally new records, the one of the node it names the owner: it holds the record's lock.
    Optional<String> newest =
        answering.entrySet().stream()
            .filter(e -> e.getValue().epoch() > local.epoch())
            .reduce(
                (a, b) ->
                    b.getValue().epoch() > a.getValue().epoch()
                            || (b.getValue().epoch() == a.getValue().epoch()
                                && b.getValue().activeNode().equals(b.getKey())
                                && !a.getValue().activeNode().equals(a.getKey()))
                        ? b
                        : a)
            .map(Map.Entry::getKey);
    if (newest.isPresent()) {
      return newest.get();
    }
    if (local.activeNode().equals(self)) {
      Optional<String> rival =
          answering.entrySet().stream()
              .filter(
                  e ->
                      e.getValue().activeNode().equals(e.getKey())
                          || (e.getValue().epoch() == local.epoch()
                              && !e.getValue().activeNode().equals(self)))
              .map(Map.Entry::getKey)
              .findFirst();
      if (rival.isPresent()) {
        return rival.get();
      }
      Optional<String> agreeing =
          answering.entrySet().stream()
              .filter(e -> e.getValue().epoch() == local.epoch())
              .map(Map.Entry::getKey)
              .findFirst();
      if (agreeing.isPresent()) {
        return agreeing.get();
      }
      // What is left answers with an older record naming a third node, which it will adopt from
      // here: it does not serve itself, and the node it names is silent (fenced, under
      // Pacemaker), so a silent peer is the truer picture.
      Optional<String> silent =
          views.entrySet().stream()
              .filter(e -> e.getValue() instanceof PeerView.Silent)
              .map(Map.Entry::getKey)
              .findFirst();
      if (silent.isPresent()) {
        return silent.get();
      }
    } else if (views.containsKey(local.activeNode())) {
      return local.activeNode();
    }
    return answering.keySet().stream().findFirst().orElse(views.keySet().iterator().next());
  }

  /**
   * Whether this node stands outside the lock its peers may hold: one of more than two nodes
   * ({@code otherNodes} > 1), whose own record is unlocked and names another node the owner. Of
   * more than two nodes, a lock binds the two of a takeover: the new owner and the one it took over
   * from, whose record names itself until it adopts the new one (and locks, having served).
   */
  public static boolean bystander(String self, ServiceState local, int otherNodes) {
    return otherNodes > 1 && !local.isActive(self) && !local.isLocked();
  }

  /**
   * The followed peer's view as the rules weigh it on this node: a bystander follows a locked owner
   * as an unlocked one (it pulls from it; the planner never rolls back or destroys what it holds
   * and the owner lacks, that is reported as diverged). Otherwise unchanged.
   */
  public static PeerView asWeighedBy(
      String self, ServiceState local, int otherNodes, PeerView view) {
    if (bystander(self, local, otherNodes)
        && view instanceof PeerView.Answering answering
        && answering.service().filter(PeerServiceState::locked).isPresent()) {
      PeerServiceState theirs = answering.service().get();
      return new PeerView.Answering(
          Optional.of(
              new PeerServiceState(theirs.activeNode(), theirs.epoch(), false, theirs.health())));
    }
    return view;
  }
}
