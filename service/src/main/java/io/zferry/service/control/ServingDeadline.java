package io.zferry.service.control;

/**
 * Told by the lease and the control loop when this node must have stopped serving a service: the
 * deadline of the last successful renewal, and that a control step has stopped serving.
 */
public interface ServingDeadline {
  /**
   * @param deadlineNanos monotonic nanoseconds by which the node must no longer serve
   */
  void servingUntil(long deadlineNanos);

  /** A control step has stopped serving (VIPs down, writes stopped) or handed the lease over. */
  void notServing();

  /** No deadline is watched: the cluster has no witness, or the tests do not need one. */
  ServingDeadline NONE =
      new ServingDeadline() {
        @Override
        public void servingUntil(long deadlineNanos) {}

        @Override
        public void notServing() {}
      };
}
