package io.zferry.service.failover;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.zferry.lockstate.ServiceState;
import io.zferry.service.failover.PeerView.PeerServiceState;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class FollowedPeerTest {
  private static final PeerView SILENT =
      new PeerView.Silent(Duration.ofSeconds(9), Duration.ofSeconds(9), true);

  @Test
  void ofTwoNodesItIsAlwaysThePeer() {
    assertThat(FollowedPeer.choose("node-a", state("node-a", 3), views("node-b", SILENT)))
        .isEqualTo("node-b");
    assertThat(
            FollowedPeer.choose(
                "node-a", state("node-b", 3), views("node-b", answering("node-c", 9))))
        .isEqualTo("node-b");
  }

  @Test
  void aPassiveFollowsTheOwnerOfItsRecord() {
    Map<String, PeerView> views =
        views("node-a", answering("node-b", 4), "node-b", answering("node-b", 4));
    assertThat(FollowedPeer.choose("node-c", state("node-b", 4), views)).isEqualTo("node-b");
  }

  @Test
  void aNewerRecordWinsEvenWhileTheOwnerItNamesIsSilent() {
    // node-a (the owner at 4) was fenced; node-b took over at 5: node-c must hear it from node-b.
    Map<String, PeerView> views = views("node-a", SILENT, "node-b", answering("node-b", 5));
    assertThat(FollowedPeer.choose("node-c", state("node-a", 4), views)).isEqualTo("node-b");
  }

  @Test
  void ofSeveralNewerRecordsTheHighestEpochWins() {
    Map<String, PeerView> views =
        views("node-a", answering("node-b", 5), "node-b", answering("node-d", 7), "node-d", SILENT);
    assertThat(FollowedPeer.choose("node-c", state("node-a", 4), views)).isEqualTo("node-b");
  }

  @Test
  void ofEquallyNewRecordsTheOneOfTheOwnerItNamesWins() {
    // node-a comes back: node-b adopted node-c's takeover (unlocked), node-c holds the lock.
    Map<String, PeerView> views =
        views("node-b", answering("node-c", 5), "node-c", answering("node-c", 5));
    assertThat(FollowedPeer.choose("node-a", state("node-a", 4), views)).isEqualTo("node-c");
    Map<String, PeerView> reversed =
        views("node-c", answering("node-c", 5), "node-b", answering("node-c", 5));
    assertThat(FollowedPeer.choose("node-a", state("node-a", 4), reversed)).isEqualTo("node-c");
  }

  @Test
  void anOwnerLooksAtAPeerThatStillNamesItselfTheOwner() {
    Map<String, PeerView> views =
        views("node-b", answering("node-a", 5), "node-c", answering("node-c", 4));
    assertThat(FollowedPeer.choose("node-a", state("node-a", 5), views)).isEqualTo("node-c");
  }

  @Test
  void anOwnerLooksAtAPeerThatNamesAnotherOwnerAtTheSameEpoch() {
    Map<String, PeerView> views =
        views("node-b", answering("node-a", 5), "node-c", answering("node-b", 5));
    assertThat(FollowedPeer.choose("node-a", state("node-a", 5), views)).isEqualTo("node-c");
  }

  @Test
  void anOwnerWithoutRivalsLooksAtTheFirstAnsweringPeer() {
    Map<String, PeerView> views = views("node-b", SILENT, "node-c", answering("node-a", 5));
    assertThat(FollowedPeer.choose("node-a", state("node-a", 5), views)).isEqualTo("node-c");
    assertThat(
            FollowedPeer.choose(
                "node-a", state("node-a", 5), views("node-b", SILENT, "node-c", SILENT)))
        .isEqualTo("node-b");
  }

  @Test
  void aNewOwnerIsNotHeldBackByAThirdNodeThatHasNotAdoptedItsRecordYet() {
    // node-a took over from node-b (fenced) at epoch 2; node-c still names node-b at epoch 1.
    Map<String, PeerView> views = views("node-b", SILENT, "node-c", answering("node-b", 1));
    assertThat(FollowedPeer.choose("node-a", state("node-a", 2), views)).isEqualTo("node-b");
    // Once it adopted, it agrees.
    Map<String, PeerView> adopted = views("node-b", SILENT, "node-c", answering("node-a", 2));
    assertThat(FollowedPeer.choose("node-a", state("node-a", 2), adopted)).isEqualTo("node-c");
    // But node-b answering with its own claim is a rival, whatever node-c says.
    Map<String, PeerView> alive =
        views("node-b", answering("node-b", 1), "node-c", answering("node-b", 1));
    assertThat(FollowedPeer.choose("node-a", state("node-a", 2), alive)).isEqualTo("node-b");
  }

  @Test
  void aPeerThatDoesNotRunTheServiceCountsAsNoClaim() {
    Map<String, PeerView> views =
        views("node-b", new PeerView.Answering(Optional.empty()), "node-c", SILENT);
    assertThat(FollowedPeer.choose("node-a", state("node-c", 2), views)).isEqualTo("node-c");
  }

  @Test
  void aThirdNodeFollowsALockedOwnerUnlockedButTheTwoOfTheTakeoverStayLocked() {
    PeerView lockedOwner =
        new PeerView.Answering(Optional.of(new PeerServiceState("node-b", 5, true)));
    // node-c: a passive of the old owner node-a, now following node-b.
    PeerView weighed = FollowedPeer.asWeighedBy("node-c", state("node-b", 5), 2, lockedOwner);
    assertThat(((PeerView.Answering) weighed).service().orElseThrow().locked()).isFalse();
    assertThat(FollowedPeer.bystander("node-c", state("node-b", 5), 2)).isTrue();
    // node-a, the old owner, whose record still names itself: it adopts the lock.
    assertThat(FollowedPeer.bystander("node-a", state("node-a", 4), 2)).isFalse();
    assertThat(FollowedPeer.asWeighedBy("node-a", state("node-a", 4), 2, lockedOwner))
        .isSameAs(lockedOwner);
    // Of two nodes, a lock always binds both.
    assertThat(FollowedPeer.asWeighedBy("node-c", state("node-b", 5), 1, lockedOwner))
        .isSameAs(lockedOwner);
    // A node whose own record is locked stays locked.
    ServiceState lockedHere =
        new ServiceState(
            "tank",
            "node-b",
            5,
            Optional.of(
                io.zferry.lockstate.SyncLock.of(
                    "took over", Instant.parse("2026-12-05T00:00:00Z"), "zferry")),
            Instant.parse("2026-12-05T00:00:00Z"));
    assertThat(FollowedPeer.bystander("node-c", lockedHere, 2)).isFalse();
  }

  @Test
  void noPeersIsAMistake() {
    assertThatThrownBy(() -> FollowedPeer.choose("node-a", state("node-a", 1), Map.of()))
        .isInstanceOf(IllegalArgumentException.class);
  }

  private static PeerView answering(String owner, long epoch) {
    return new PeerView.Answering(Optional.of(new PeerServiceState(owner, epoch, false)));
  }

  private static Map<String, PeerView> views(Object... pairs) {
    Map<String, PeerView> views = new LinkedHashMap<>();
    for (int i = 0; i < pairs.length; i += 2) {
      views.put((String) pairs[i], (PeerView) pairs[i + 1]);
    }
    return views;
  }

  private static ServiceState state(String owner, long epoch) {
    return new ServiceState(
        "tank", owner, epoch, Optional.empty(), Instant.parse("2026-12-05T00:00:00Z"));
  }
}
