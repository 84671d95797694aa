package io.zferry.service.control;

import java.time.Duration;
import java.util.Objects;

/**
 * The third vote (design §5 rule 8): a leader key per service in an external consensus store
 * (etcd), attached to a lease that expires unless its holder renews it. {@link LeaderLease} holds
 * the rules; an adapter implements this port over the store, the tests and the simulation over
 * memory.
 *
 * <p>Every call either gets a definite answer or {@link Answer.Unanswered}: a lost reply is never
 * read as a refusal or a grant.
 */
public interface Witness {

  /** What the witness answered. */
  sealed interface Answer permits Answer.Granted, Answer.Refused, Answer.Unanswered {
    /**
     * The leader key names this node and is attached to this lease.
     *
     * @param leaseId the witness's lease to renew
     */
    record Granted(long leaseId) implements Answer {}

    /**
     * A definite no: another node holds the key, or the lease is gone.
     *
     * @param why what the witness said, for the status
     */
    record Refused(String why) implements Answer {
      public Refused {
        Objects.requireNonNull(why, "why");
      }
    }

    /**
     * No answer (unreachable, time-out, lost reply): the request may or may not have taken effect.
     *
     * @param why what failed, for the status
     */
    record Unanswered(String why) implements Answer {
      public Unanswered {
        Objects.requireNonNull(why, "why");
      }
    }
  }

  /**
   * Grants a new lease of {@code ttl} and, in one transaction, writes the leader key = {@code self}
   * with it if the key is absent or already names {@code self}; refused if it names another node.
   */
  Answer acquire(String self, Duration ttl);

  /**
   * Renews {@code leaseId}; granted only if the lease is alive and the leader key still names
   * {@code self} under it (a switchover may have handed the key over meanwhile).
   */
  Answer renew(String self, long leaseId);

  /**
   * Hands the leader key over in one transaction: if it names {@code from}, it names {@code to}
   * from now on, under the same lease until {@code to} attaches its own.
   */
  Answer handOver(String from, String to);

  /** Where the witness is, for messages. */
  String describe();
}
