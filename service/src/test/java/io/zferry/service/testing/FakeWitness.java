package io.zferry.service.testing;

import io.zferry.service.control.Witness;
import io.zferry.service.control.Witness.Answer;
import java.time.Duration;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import java.util.function.LongSupplier;

/**
 * An in-memory witness with etcd's lease semantics for one service's leader key: a lease expires
 * {@code ttl} after its last grant or renewal on the witness's own clock, and takes the key with
 * it; a restarted witness gives every surviving lease a full TTL again (etcd extends leases on a
 * leader change, never shortens them). Each node talks to it through its own {@link #client}, which
 * can be cut off and can lose replies after the request took effect.
 */
public final class FakeWitness {
  private record Lease(long ttlNanos, long expiresAt) {}

  private final LongSupplier nanoTime;
  private final Map<Long, Lease> leases = new HashMap<>();
  private long nextLease = 100;
  private String leader;
  private long leaderLease;
  private boolean up = true;

  /**
   * @param nanoTime the witness's own monotonic clock
   */
  public FakeWitness(LongSupplier nanoTime) {
    this.nanoTime = nanoTime;
  }

  /** Who the leader key names now, if anyone. */
  public Optional<String> leader() {
    expire();
    return Optional.ofNullable(leader);
  }

  public boolean up() {
    return up;
  }

  public void crash() {
    up = false;
  }

  public void restart() {
    up = true;
    long now = nanoTime.getAsLong();
    leases.replaceAll((id, lease) -> new Lease(lease.ttlNanos(), now + lease.ttlNanos()));
  }

  /** The witness as {@code node} reaches it, over nothing that can fail. */
  public Witness client(String node) {
    return client(node, () -> true, () -> false);
  }

  /**
   * The witness as {@code node} reaches it.
   *
   * @param reaches whether a request gets there now (and its reply back)
   * @param replyLost whether the reply of a request that took effect is lost
   */
  public Witness client(String node, BooleanSupplier reaches, BooleanSupplier replyLost) {
    return new Witness() {
      @Override
      public Answer acquire(String self, Duration ttl) {
        return call(() -> doAcquire(self, ttl));
      }

      @Override
      public Answer renew(String self, long leaseId) {
        return call(() -> doRenew(self, leaseId));
      }

      @Override
      public Answer handOver(String from, String to) {
        return call(() -> doHandOver(from, to));
      }

      @Override
      public String describe() {
        return "witness";
      }

      private Answer call(java.util.function.Supplier<Answer> request) {
        if (!up || !reaches.getAsBoolean()) {
          return new Answer.Unanswered(node + " cannot reach the witness");
        }
        Answer answer = request.get();
        if (replyLost.getAsBoolean()) {
          return new Answer.Unanswered("the reply to " + node + " was lost");
        }
        return answer;
      }
    };
  }

  private Answer doAcquire(String self, Duration ttl) {
    expire();
    long id = nextLease++;
    leases.put(id, new Lease(ttl.toNanos(), nanoTime.getAsLong() + ttl.toNanos()));
    if (leader != null && !leader.equals(self)) {
      return new Answer.Refused("the leader key names " + leader);
    }
    leader = self;
    leaderLease = id;
    return new Answer.Granted(id);
  }

  private Answer doRenew(String self, long leaseId) {
    expire();
    Lease lease = leases.get(leaseId);
    if (lease == null) {
      return new Answer.Refused("lease " + leaseId + " expired");
    }
    leases.put(leaseId, new Lease(lease.ttlNanos(), nanoTime.getAsLong() + lease.ttlNanos()));
    if (!self.equals(leader) || leaderLease != leaseId) {
      return new Answer.Refused(
          leader == null ? "the leader key is absent" : "the leader key names " + leader);
    }
    return new Answer.Granted(leaseId);
  }

  private Answer doHandOver(String from, String to) {
    expire();
    if (!from.equals(leader)) {
      return new Answer.Refused(
          leader == null ? "the leader key is absent" : "the leader key names " + leader);
    }
    leader = to;
    return new Answer.Granted(leaderLease);
  }

  private void expire() {
    if (!up) {
      return;
    }
    long now = nanoTime.getAsLong();
    for (Iterator<Map.Entry<Long, Lease>> it = leases.entrySet().iterator(); it.hasNext(); ) {
      Map.Entry<Long, Lease> entry = it.next();
      if (now - entry.getValue().expiresAt() >= 0) {
        it.remove();
        if (leader != null && leaderLease == entry.getKey()) {
          leader = null;
        }
      }
    }
  }
}
