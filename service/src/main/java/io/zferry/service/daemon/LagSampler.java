package io.zferry.service.daemon;

import io.zferry.service.status.StatusViews.ServiceStatus;
import java.util.List;
import java.util.function.Supplier;

/**
 * Records each service's lag as this node sees it into the {@link LagHistory}, for the GUI's
 * 24-hour chart. Run on its own thread: a status may wait for the peer, which the heartbeat loop
 * must never do.
 */
final class LagSampler implements Runnable {
  private final Supplier<List<ServiceStatus>> services;
  private final LagHistory history;

  LagSampler(Supplier<List<ServiceStatus>> services, LagHistory history) {
    this.services = services;
    this.history = history;
  }

  @Override
  public void run() {
    for (ServiceStatus service : services.get()) {
      history.record(service.name(), service.lagSeconds());
    }
  }
}
