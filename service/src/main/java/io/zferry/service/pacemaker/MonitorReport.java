package io.zferry.service.pacemaker;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.OptionalInt;

/**
 * What the resource agent's monitor reads ({@code /run/zferry/pacemaker/SERVICE.state}), written by
 * zferryd after every control step: reading a small file costs the agent no JVM and no API call at
 * each monitor. {@code updated} plus {@code staleAfter} tell the agent when the file no longer
 * speaks for a live control loop.
 *
 * @param intent what Pacemaker last asked
 * @param state what this node does now
 * @param score the promotion score to ask for; empty for none
 * @param updated when the control step that wrote it ended
 * @param staleAfter how long after {@code updated} the report no longer counts
 * @param reason one line for the operator (crm_mon shows the agent's exit reason)
 */
public record MonitorReport(
    PacemakerIntent intent,
    State state,
    OptionalInt score,
    Instant updated,
    Duration staleAfter,
    String reason) {

  /** What the instance does, in the resource agent's words. */
  public enum State {
    /** Serving: the agent's OCF_RUNNING_MASTER (8). */
    PROMOTED,
    /** Following the owner (pulling, or waiting to): OCF_SUCCESS (0). */
    UNPROMOTED,
    /** Neither: OCF_NOT_RUNNING (7). */
    STOPPED,
    /**
     * Asked to run but cannot (promoted but not serving, say): OCF_ERR_GENERIC or FAILED_MASTER.
     */
    FAILED
  }

  public MonitorReport {
    Objects.requireNonNull(intent, "intent");
    Objects.requireNonNull(state, "state");
    Objects.requireNonNull(score, "score");
    Objects.requireNonNull(updated, "updated");
    Objects.requireNonNull(staleAfter, "staleAfter");
    reason = reason.replace('\n', ' ').strip();
  }

  /** The report as the API shows it. */
  public record View(
      String intent, String state, Integer score, String updated, long staleAfter, String reason) {}

  public View view() {
    return new View(
        intent.word(),
        state.name().toLowerCase(java.util.Locale.ROOT),
        score.isPresent() ? score.getAsInt() : null,
        updated.toString(),
        Math.max(1, staleAfter.toSeconds()),
        reason);
  }

  /** The file's text: {@code key=value} lines, read by a POSIX shell. */
  public String render() {
    return String.join(
        "\n",
        "intent=" + intent.word(),
        "state=" + state.name().toLowerCase(java.util.Locale.ROOT),
        "score=" + (score.isPresent() ? Integer.toString(score.getAsInt()) : "none"),
        "updated=" + updated.getEpochSecond(),
        "stale_after=" + Math.max(1, staleAfter.toSeconds()),
        "reason=" + reason,
        "");
  }

  public void writeTo(Path directory, String service) {
    RuntimeFiles.write(directory.resolve(service + ".state"), render());
  }
}
