package io.zferry.lockstate;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * One finished pull of a service's snapshots from one node to the other.
 *
 * <p>{@code finished} may be before {@code started}: both come from the wall clock, which NTP may
 * step back during a long transfer, and the record keeps what the clock said rather than refuse it.
 *
 * @param plan what the planner decided ("incremental tank@a..tank@b"), if it got that far
 * @param error why it failed or what diverged; always present for {@link RunResult#FAILED}
 */
public record ReplicationRun(
    long id,
    String service,
    String sourceNode,
    String targetNode,
    Instant started,
    Instant finished,
    long bytes,
    RunResult result,
    Optional<String> plan,
    Optional<String> error) {
  public ReplicationRun {
    if (id < 1) {
      throw new IllegalArgumentException("replication run id must be positive: " + id);
    }
    Checks.name("service", service);
    requireDistinctNodes(service, sourceNode, targetNode);
    Objects.requireNonNull(started, "started");
    Objects.requireNonNull(finished, "finished");
    requireOutcome(
        "replication run " + id + " of service " + Checks.printable(service), bytes, result, error);
    Checks.present("plan", plan);
  }

  static void requireDistinctNodes(String service, String sourceNode, String targetNode) {
    Checks.name("source node", sourceNode);
    Checks.name("target node", targetNode);
    if (sourceNode.equals(targetNode)) {
      throw new IllegalArgumentException(
          "replication run of service "
              + Checks.printable(service)
              + " has the same source and target node "
              + Checks.printable(sourceNode));
    }
  }

  /**
   * @param subject the run, for messages ("replication run 7 of service 'tank'")
   */
  static void requireOutcome(String subject, long bytes, RunResult result, Optional<String> error) {
    if (bytes < 0) {
      throw new IllegalArgumentException(subject + " has a negative byte count: " + bytes);
    }
    Objects.requireNonNull(result, "result");
    Checks.present("error", error);
    if (result == RunResult.FAILED && error.map(String::isBlank).orElse(true)) {
      throw new IllegalArgumentException(subject + " failed, so it needs an error text saying why");
    }
  }
}
