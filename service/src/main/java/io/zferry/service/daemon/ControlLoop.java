package io.zferry.service.daemon;

/** What systemd's watchdog needs to know of one service's control loop. */
interface ControlLoop {
  /** The monotonic time of the loop's last completed step. */
  long lastProgress();

  /** Whether an operator action holds the loop on purpose now. */
  boolean actionUnderWay();
}
