package io.zferry.service.testing;

import io.zferry.service.status.StatusViews.HookView;
import io.zferry.service.status.StatusViews.PassiveView;
import io.zferry.service.status.StatusViews.RunView;
import io.zferry.service.status.StatusViews.ServiceStatus;
import io.zferry.service.status.StatusViews.SettingsView;
import io.zferry.service.status.StatusViews.TransferView;
import java.util.List;

/** Service statuses for tests, built field by field from a healthy passive service. */
public record Statuses(
    String name,
    String role,
    long epoch,
    boolean syncLocked,
    Long lagSeconds,
    TransferView transfer,
    RunView lastRun,
    SettingsView settings,
    List<String> vipProblems,
    HookView lastHooks) {

  /** Service tank, passive here, epoch 2, lag 30 s, snapshots every 5m and pulls every 1m. */
  public static Statuses passive() {
    return new Statuses(
        "tank",
        "passive",
        2,
        false,
        30L,
        null,
        new RunView(
            "2025-01-01T00:00:00Z", "2025-01-01T00:00:02Z", 4096, "ok", "incremental", null),
        new SettingsView("5m", 40, "1m", "3h20m"),
        List.of(),
        null);
  }

  public Statuses withRole(String value) {
    return new Statuses(
        name,
        value,
        epoch,
        syncLocked,
        lagSeconds,
        transfer,
        lastRun,
        settings,
        vipProblems,
        lastHooks);
  }

  public Statuses withLocked(boolean value) {
    return new Statuses(
        name, role, epoch, value, lagSeconds, transfer, lastRun, settings, vipProblems, lastHooks);
  }

  public Statuses withLag(Long value) {
    return new Statuses(
        name, role, epoch, syncLocked, value, transfer, lastRun, settings, vipProblems, lastHooks);
  }

  public Statuses withTransfer(TransferView value) {
    return new Statuses(
        name,
        role,
        epoch,
        syncLocked,
        lagSeconds,
        value,
        lastRun,
        settings,
        vipProblems,
        lastHooks);
  }

  public Statuses withLastRun(RunView value) {
    return new Statuses(
        name,
        role,
        epoch,
        syncLocked,
        lagSeconds,
        transfer,
        value,
        settings,
        vipProblems,
        lastHooks);
  }

  public Statuses withVipProblems(List<String> value) {
    return new Statuses(
        name, role, epoch, syncLocked, lagSeconds, transfer, lastRun, settings, value, lastHooks);
  }

  public Statuses withLastHooks(HookView value) {
    return new Statuses(
        name, role, epoch, syncLocked, lagSeconds, transfer, lastRun, settings, vipProblems, value);
  }

  public Statuses named(String value) {
    return new Statuses(
        value,
        role,
        epoch,
        syncLocked,
        lagSeconds,
        transfer,
        lastRun,
        settings,
        vipProblems,
        lastHooks);
  }

  public ServiceStatus build() {
    return build(List.of());
  }

  /** As {@link #build()}, for an active whose retention keeps these for the passive's transfer. */
  public ServiceStatus build(List<String> keptForTransfer) {
    return build(keptForTransfer, List.of());
  }

  /** As {@link #build()}, for an active feeding these passives. */
  public ServiceStatus feeding(List<PassiveView> passives) {
    return build(List.of(), passives);
  }

  private ServiceStatus build(List<String> keptForTransfer, List<PassiveView> passives) {
    return new ServiceStatus(
        name,
        name,
        role.equals("active") ? "node-b" : "node-a",
        role,
        epoch,
        syncLocked,
        lagSeconds,
        null,
        null,
        List.of("10.99.0.100/24"),
        transfer,
        lastRun,
        null,
        settings,
        role,
        null,
        List.of(),
        vipProblems,
        lastHooks,
        keptForTransfer,
        passives);
  }
}
