package io.zferry.service.operations;

import java.util.List;

/**
 * The outcome of a multi-step operator action, for the CLI, the GUI and the event history.
 *
 * @param action what was done, e.g. "switchover of tank to node-b"
 * @param ok whether it completed
 * @param millis how long it took in all
 * @param steps each step in order; the last failed if the action failed
 * @param summary one line for the operator
 */
public record ActionReport(
    String action, boolean ok, long millis, List<Steps.Step> steps, String summary) {
  public ActionReport {
    steps = List.copyOf(steps);
  }
}
