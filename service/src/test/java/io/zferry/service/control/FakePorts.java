package io.zferry.service.control;

import io.zferry.lockstate.SyncLock;
import io.zferry.service.failover.Isolation;
import io.zferry.service.failover.NodeHealth;
import io.zferry.service.failover.PeerView;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Optional;

/** {@link ControlPorts} that record what they are asked and answer what the test sets. */
final class FakePorts implements ControlPorts {
  PeerView peerView = new PeerView.Answering(Optional.empty());
  Optional<SyncLock> peerLock = Optional.empty();
  Isolation isolation = Isolation.CONNECTED;
  boolean servedWrites;
  boolean severalPeers;
  Optional<io.zferry.service.pacemaker.PacemakerIntent> pacemakerIntent = Optional.empty();
  NodeHealth ownHealth = NodeHealth.online();
  boolean pullCycleEnded = true;
  final Deque<Optional<String>> fenceOutcomes = new ArrayDeque<>();
  int fenceAttempts;
  final List<String> calls = new ArrayList<>();

  /** Runs inside {@link #serve}: a test makes the step slow there (a hung zfs call). */
  Runnable duringServe = () -> {};

  static PeerView answering(String owner, long epoch, boolean locked) {
    return new PeerView.Answering(Optional.of(new PeerView.PeerServiceState(owner, epoch, locked)));
  }

  static PeerView silentFor(Duration silence) {
    return new PeerView.Silent(silence, silence, true);
  }

  @Override
  public PeerView peerView() {
    return peerView;
  }

  @Override
  public Optional<SyncLock> peerLock() {
    return peerLock;
  }

  @Override
  public Isolation isolation() {
    return isolation;
  }

  @Override
  public NodeHealth ownHealth() {
    return ownHealth;
  }

  @Override
  public boolean servedWrites() {
    return servedWrites;
  }

  @Override
  public Optional<io.zferry.service.pacemaker.PacemakerIntent> pacemakerIntent() {
    return pacemakerIntent;
  }

  @Override
  public boolean severalPeers() {
    return severalPeers;
  }

  @Override
  public Optional<String> fencePeer() {
    fenceAttempts++;
    calls.add("fence");
    return fenceOutcomes.isEmpty() ? Optional.empty() : fenceOutcomes.poll();
  }

  @Override
  public boolean stopPulling() {
    calls.add("stopPulling");
    return pullCycleEnded;
  }

  @Override
  public void rollBackToLastApplied() {
    calls.add("rollBack");
  }

  @Override
  public void serve() {
    calls.add("serve");
    servedWrites = true;
    duringServe.run();
  }

  @Override
  public void standAside(String reason) {
    calls.add("standAside");
    servedWrites = false;
  }

  @Override
  public void follow(boolean pull, boolean holding) {
    calls.add(holding ? "hold" : pull ? "follow, pulling" : "follow");
    servedWrites = false;
  }
}
