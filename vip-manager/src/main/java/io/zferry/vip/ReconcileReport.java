package io.zferry.vip;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * What one reconciliation found to do, did, and failed to do. A failed action does not stop the
 * others; the next tick tries it again.
 *
 * @param planned the actions the reconciler chose, in the order they were tried
 * @param done those that succeeded
 * @param failed those that failed, each with its error
 */
public record ReconcileReport(
    List<VipAction> planned, List<VipAction> done, List<ReconcileReport.Failure> failed) {
  public ReconcileReport {
    planned = List.copyOf(planned);
    done = List.copyOf(done);
    failed = List.copyOf(failed);
  }

  /** An action that failed and why. */
  public record Failure(VipAction action, VipException error) {
    public Failure {
      Objects.requireNonNull(action, "action");
      Objects.requireNonNull(error, "error");
    }
  }

  /** True if there was nothing to do or everything was done. */
  public boolean clean() {
    return failed.isEmpty();
  }

  /**
   * One sentence for logs and status: {@code "nothing to change"} or e.g. {@code "add
   * 10.99.0.100/24 on eth0: done; remove 10.99.0.101/24 on eth0: failed (…)"}.
   */
  public String summary() {
    if (planned.isEmpty()) {
      return "nothing to change";
    }
    List<String> parts = new ArrayList<>();
    for (VipAction action : planned) {
      String outcome = done.contains(action) ? "done" : "not tried";
      for (Failure failure : failed) {
        if (failure.action().equals(action)) {
          outcome = "failed (" + failure.error().getMessage() + ")";
        }
      }
      parts.add(action + ": " + outcome);
    }
    return String.join("; ", parts);
  }
}
