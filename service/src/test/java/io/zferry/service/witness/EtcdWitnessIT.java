package io.zferry.service.witness;

import static org.assertj.core.api.Assertions.assertThat;

import io.zferry.service.control.LeaderLease;
import io.zferry.service.control.Witness;
import io.zferry.service.control.Witness.Answer;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The etcd adapter against three real etcd members on 127.0.0.1. */
class EtcdWitnessIT {
  private static final Duration TTL = Duration.ofSeconds(3);
  private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(2);
  private static EtcdMembers etcd;
  private static int keys;

  @BeforeAll
  static void members() throws Exception {
    etcd = new EtcdMembers(3);
  }

  @AfterAll
  static void stop() throws Exception {
    etcd.close();
  }

  /** A fresh service's key, so the tests do not share a leader. */
  private static EtcdWitness witness(List<URI> endpoints) {
    return new EtcdWitness(endpoints, EtcdWitness.leaderKey("it", "svc" + keys), REQUEST_TIMEOUT);
  }

  private static EtcdWitness fresh() {
    keys++;
    return witness(etcd.clientUrls());
  }

  private static long granted(Answer answer) {
    assertThat(answer).isInstanceOf(Answer.Granted.class);
    return ((Answer.Granted) answer).leaseId();
  }

  @Test
  void aGrantedLeaseIsRenewedAndKeepsTheKeyPastItsTtl() throws Exception {
    EtcdWitness witness = fresh();
    long lease = granted(witness.acquire("node-a", TTL));
    for (int i = 0; i < 6; i++) {
      Thread.sleep(TTL.toMillis() / 3);
      assertThat(granted(witness.renew("node-a", lease))).isEqualTo(lease);
    }
    assertThat(witness.leader()).contains("node-a");
    assertThat(witness.acquire("node-b", TTL))
        .isEqualTo(new Answer.Refused("the leader key names node-a"));
  }

  @Test
  void anUnrenewedLeaseExpiresWithItsKeyAndThePeerAcquiresIt() throws Exception {
    EtcdWitness witness = fresh();
    long lease = granted(witness.acquire("node-a", TTL));
    long sent = System.nanoTime();
    assertThat(witness.acquire("node-b", TTL)).isInstanceOf(Answer.Refused.class);

    Answer taken = witness.acquire("node-b", TTL);
    while (!(taken instanceof Answer.Granted)) {
      assertThat(System.nanoTime() - sent)
          .as("expired within the TTL plus etcd's leader tick")
          .isLessThan(TTL.plusSeconds(5).toNanos());
      Thread.sleep(200);
      taken = witness.acquire("node-b", TTL);
    }
    assertThat(System.nanoTime() - sent)
        .as("not before the TTL")
        .isGreaterThanOrEqualTo(TTL.toNanos());
    assertThat(witness.leader()).contains("node-b");
    assertThat(witness.renew("node-a", lease)).isInstanceOf(Answer.Refused.class);
  }

  @Test
  void aHandOverNamesTheNewOwnerWhoAttachesItsOwnLease() throws Exception {
    EtcdWitness witness = fresh();
    long leaseA = granted(witness.acquire("node-a", TTL));

    assertThat(witness.handOver("node-a", "node-b")).isInstanceOf(Answer.Granted.class);
    assertThat(witness.leader()).contains("node-b");
    assertThat(witness.renew("node-a", leaseA))
        .isEqualTo(new Answer.Refused("the leader key names node-b"));
    assertThat(witness.handOver("node-a", "node-b"))
        .as("a repeated hand-over finds its own effect")
        .isInstanceOf(Answer.Granted.class);
    assertThat(witness.handOver("node-c", "node-a")).isInstanceOf(Answer.Refused.class);

    long leaseB = granted(witness.acquire("node-b", TTL));
    // node-a's lease, which the key was handed over under, runs out; node-b's keeps the key.
    for (int i = 0; i < 9; i++) {
      Thread.sleep(TTL.toMillis() / 3);
      granted(witness.renew("node-b", leaseB));
    }
    assertThat(witness.leader()).contains("node-b");
  }

  @Test
  void aCallGivesUpWithinOneRequestTimeOutWhenEveryMemberHangs() throws Exception {
    EtcdWitness witness = fresh();
    long lease = granted(witness.acquire("node-a", TTL));
    for (int i = 0; i < 3; i++) {
      etcd.freeze(i);
    }
    try {
      long start = System.nanoTime();
      Answer renewal = witness.renew("node-a", lease);
      Duration took = Duration.ofNanos(System.nanoTime() - start);
      assertThat(renewal).isInstanceOf(Answer.Unanswered.class);
      // The holder counts on the call ending in time to stop serving before its lease could
      // expire: the whole call is bounded, not each member's request (that took 3 x 2 s here).
      assertThat(took).isLessThan(REQUEST_TIMEOUT.plusMillis(500));
    } finally {
      for (int i = 0; i < 3; i++) {
        etcd.thaw(i);
      }
      for (int i = 0; i < 3; i++) {
        etcd.awaitHealthy(i);
      }
    }
  }

  @Test
  void aKilledMemberChangesNothingAndALostQuorumIsNoAnswer() throws Exception {
    // A follower dies, so no election follows (one takes seconds, during which a call may go
    // unanswered: the rules treat that as no answer, another test).
    int dead = etcd.follower();
    int other = (dead + 1) % 3;
    int last = (dead + 2) % 3;
    List<URI> urls = etcd.clientUrls();
    keys++;
    EtcdWitness witness = witness(List.of(urls.get(dead), urls.get(other), urls.get(last)));
    long lease = granted(witness.acquire("node-a", TTL));
    etcd.kill(dead);
    try {
      // The dead member is first in the list: the next one answers.
      for (int i = 0; i < 4; i++) {
        Thread.sleep(TTL.toMillis() / 3);
        granted(witness.renew("node-a", lease));
      }
      assertThat(witness.acquire("node-b", TTL)).isInstanceOf(Answer.Refused.class);

      etcd.kill(other);
      Answer noQuorum = witness.renew("node-a", lease);
      assertThat(noQuorum).isInstanceOf(Answer.Unanswered.class);

      // The rules on top: the holder stops serving before the lease could expire.
      List<Long> clock = new ArrayList<>(List.of(0L));
      LeaderLease rules =
          new LeaderLease(
              "node-c",
              witness(List.of(urls.get(last))),
              TTL,
              Duration.ofSeconds(1),
              () -> clock.get(0));
      assertThat(rules.acquire()).get().asString().contains("did not answer");
    } finally {
      etcd.start(dead);
      etcd.start(other);
      etcd.awaitHealthy(dead);
      etcd.awaitHealthy(other);
    }
    Witness after = witness(etcd.clientUrls());
    Answer renewed = after.renew("node-a", lease);
    // Quorum back: the lease survived the outage (etcd extends, never shortens, a lease across a
    // leader change) or expired meanwhile; either way the witness answers again.
    assertThat(renewed).isNotInstanceOf(Answer.Unanswered.class);
  }
}
