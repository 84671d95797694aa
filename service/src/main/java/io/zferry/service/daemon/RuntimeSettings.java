package io.zferry.service.daemon;

import io.zferry.lockstate.EventKind;
import io.zferry.lockstate.StateStore;
import io.zferry.service.api.ApiCallException;
import io.zferry.service.api.ApiProblem;
import io.zferry.service.api.ApiRequest;
import io.zferry.service.api.ApiRoutes;
import io.zferry.service.api.ValidatedBody;
import io.zferry.service.api.auth.Access;
import io.zferry.service.config.ConfigValueException;
import io.zferry.service.config.DurationText;
import io.zferry.service.config.ServiceConfig;
import io.zferry.service.config.Settings;
import java.time.Duration;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The settings an operator changes at run time (snapshot interval, retention count, pull interval),
 * for the whole cluster or one service. They are checked with the configuration's own rules, so the
 * GUI shows the same messages as a config error; stored in the state store so they survive a
 * restart; laid over the configured settings (the file's, then the cluster's changes, then the
 * service's); and sent to the peer, which stores and applies them too.
 */
final class RuntimeSettings {
  private static final Logger log = LoggerFactory.getLogger(RuntimeSettings.class);
  static final String SNAPSHOT_INTERVAL = "snapshotInterval";
  static final String RETENTION_COUNT = "retentionCount";
  static final String PULL_INTERVAL = "pullInterval";

  private final NodeDaemon daemon;
  private final Set<String> reported = new HashSet<>();

  RuntimeSettings(NodeDaemon daemon) {
    this.daemon = daemon;
  }

  /**
   * A change from the GUI: every value as text, as typed.
   *
   * @param service the service, or null for the whole cluster
   */
  record Change(String service, String snapshotInterval, String retentionCount, String pullInterval)
      implements ValidatedBody {
    @Override
    public void validate() {
      values();
    }

    /**
     * The values, checked and in canonical form; absent ones left out.
     *
     * @throws ApiProblem 400 whose error starts with the field's name
     */
    Map<String, String> values() {
      Map<String, String> values = new LinkedHashMap<>();
      try {
        if (snapshotInterval != null) {
          values.put(
              SNAPSHOT_INTERVAL,
              DurationText.format(
                  Settings.SNAPSHOT_INTERVAL_RANGE.check(
                      SNAPSHOT_INTERVAL, duration(SNAPSHOT_INTERVAL, snapshotInterval))));
        }
        if (retentionCount != null) {
          values.put(
              RETENTION_COUNT,
              String.valueOf(
                  Settings.RETENTION_COUNT_RANGE.check(
                      RETENTION_COUNT, whole(RETENTION_COUNT, retentionCount))));
        }
        if (pullInterval != null) {
          values.put(
              PULL_INTERVAL,
              DurationText.format(
                  Settings.PULL_INTERVAL_RANGE.check(
                      PULL_INTERVAL, duration(PULL_INTERVAL, pullInterval))));
        }
      } catch (ConfigValueException e) {
        throw ApiProblem.badRequest(e.key() + ": " + e.problem(), e.fix());
      }
      return values;
    }
  }

  /**
   * What the peer is sent: the checked values and who asked. Checked again on arrival with the same
   * rules: a value stored here unchecked would stop this node from starting.
   */
  record PeerChange(String scope, Map<String, String> values, String actor)
      implements ValidatedBody {
    @Override
    public void validate() {
      if (scope == null || scope.isBlank()) {
        throw ApiProblem.badRequest(
            "scope: missing", "name a service, or " + StateStore.CLUSTER_SCOPE + " for all");
      }
      if (values == null || values.isEmpty()) {
        throw ApiProblem.badRequest("values: none given", "send at least one setting");
      }
      if (actor == null || actor.isBlank()) {
        throw ApiProblem.badRequest("actor: missing", "say who changed the settings");
      }
      StoredSettings checked = StoredSettings.check(values);
      if (!checked.problems().isEmpty()) {
        throw ApiProblem.badRequest(
            String.join("; ", checked.problems()),
            "send values within the ranges `zferry settings` shows, in canonical form");
      }
    }
  }

  record Saved(String summary) {}

  record Ranges(String snapshotInterval, String retentionCount, String pullInterval) {}

  record Values(String snapshotInterval, int retentionCount, String pullInterval) {
    static Values of(Settings s) {
      return new Values(
          DurationText.format(s.snapshotInterval()),
          s.retentionCount(),
          DurationText.format(s.pullInterval()));
    }
  }

  record ServiceSettings(String name, Values effective, boolean overridden) {}

  record View(Values cluster, List<ServiceSettings> services, Ranges ranges) {}

  void register(ApiRoutes routes) {
    routes.get("/settings", Access.READ, request -> view());
    routes.post("/settings", Access.OPERATE, Change.class, this::save);
    routes.post(
        "/internal/settings",
        Access.PEER,
        PeerChange.class,
        (request, body) -> {
          if (!body.scope().equals(StateStore.CLUSTER_SCOPE)) {
            scope(body.scope());
          }
          store(body.scope(), body.values(), body.actor() + " via " + request.caller().who());
          return new Saved("saved on " + daemon.self().value());
        });
  }

  /**
   * Lays the stored changes over each service's configured settings. A stored value that fails the
   * rules is left out, and said once in the log and the event history.
   */
  void applyAll() {
    Map<String, Map<String, String>> overrides = daemon.store().settingOverrides();
    reportIgnored(overrides);
    for (ServiceConfig service : daemon.config().services()) {
      daemon
          .service(service.name().value())
          .ifPresent(runtime -> runtime.changeSettings(effective(service, overrides)));
    }
  }

  private void reportIgnored(Map<String, Map<String, String>> overrides) {
    overrides.forEach(
        (scope, values) -> {
          for (String problem : StoredSettings.check(values).problems()) {
            String where = scope.equals(StateStore.CLUSTER_SCOPE) ? "the cluster" : scope;
            String line =
                "stored setting for "
                    + where
                    + " ignored, the configured value stays: "
                    + problem
                    + "; save the setting again in the GUI or with zferry settings";
            if (reported.add(line)) {
              log.error(line);
              daemon
                  .store()
                  .recordEvent(
                      EventKind.CONFIG,
                      scope.equals(StateStore.CLUSTER_SCOPE) ? null : scope,
                      daemon.self().value(),
                      StateStore.SYSTEM_ACTOR,
                      line);
            }
          }
        });
  }

  private Saved save(ApiRequest request, Change change) {
    String scope = scope(change.service());
    Map<String, String> values = change.values();
    String actor = request.caller().who() + "@" + request.remoteAddress();
    store(scope, values, actor);
    String self = daemon.self().value();
    String peer = daemon.peer().value();
    try {
      daemon
          .peerApi()
          .post("/internal/settings", new PeerChange(scope, values, actor), Saved.class);
      return new Saved("Applied on " + self + " and " + peer + ".");
    } catch (ApiCallException e) {
      log.warn("settings saved on {} but not on {}: {}", self, peer, e.getMessage());
      return new Saved(
          "Applied on "
              + self
              + " only: "
              + peer
              + " did not take them ("
              + e.getMessage()
              + "); save again once it answers.");
    }
  }

  private void store(String scope, Map<String, String> values, String actor) {
    daemon.store().saveSettingOverrides(scope, values, daemon.self().value(), actor);
    applyAll();
  }

  private String scope(String service) {
    if (service == null || service.isBlank()) {
      return StateStore.CLUSTER_SCOPE;
    }
    if (daemon.service(service).isEmpty()) {
      throw ApiProblem.notFound(
          "no service '" + service + "' on this node", "use a service name from `zferry status`");
    }
    return service;
  }

  private View view() {
    Map<String, Map<String, String>> overrides = daemon.store().settingOverrides();
    Settings cluster = layer(daemon.config().defaults(), overrides.get(StateStore.CLUSTER_SCOPE));
    List<ServiceSettings> services =
        daemon.config().services().stream()
            .map(
                s ->
                    new ServiceSettings(
                        s.name().value(),
                        Values.of(effective(s, overrides)),
                        overrides.containsKey(s.name().value())))
            .toList();
    return new View(
        Values.of(cluster),
        services,
        new Ranges(
            Settings.SNAPSHOT_INTERVAL_RANGE.toString(),
            Settings.RETENTION_COUNT_RANGE.min() + ".." + Settings.RETENTION_COUNT_RANGE.max(),
            Settings.PULL_INTERVAL_RANGE.toString()));
  }

  static Settings effective(ServiceConfig service, Map<String, Map<String, String>> overrides) {
    return layer(
        layer(service.settings(), overrides.get(StateStore.CLUSTER_SCOPE)),
        overrides.get(service.name().value()));
  }

  /**
   * {@code base} with the stored values laid over it; a value that fails the rules is left out
   * ({@link StoredSettings}), so a bad row never stops the daemon.
   */
  static Settings layer(Settings base, Map<String, String> stored) {
    Map<String, String> values = StoredSettings.check(stored).valid();
    if (values.isEmpty()) {
      return base;
    }
    Duration snapshot =
        values.containsKey(SNAPSHOT_INTERVAL)
            ? DurationText.parse(values.get(SNAPSHOT_INTERVAL))
            : base.snapshotInterval();
    int retention =
        values.containsKey(RETENTION_COUNT)
            ? Integer.parseInt(values.get(RETENTION_COUNT))
            : base.retentionCount();
    Duration pull =
        values.containsKey(PULL_INTERVAL)
            ? DurationText.parse(values.get(PULL_INTERVAL))
            : base.pullInterval();
    return new Settings(
        snapshot,
        retention,
        pull,
        base.stallTimeout(),
        base.bandwidthLimitBytesPerSecond(),
        base.passiveHold());
  }

  private static Duration duration(String key, String text) {
    try {
      return DurationText.parse(text.strip());
    } catch (ConfigValueException e) {
      throw new ConfigValueException(key, e.problem(), e.fix());
    }
  }

  private static long whole(String key, String text) {
    try {
      return Long.parseLong(text.strip());
    } catch (NumberFormatException e) {
      throw new ConfigValueException(
          key,
          "'" + text.strip() + "' is not a whole number",
          "use a whole number from "
              + Settings.RETENTION_COUNT_RANGE.min()
              + " to "
              + Settings.RETENTION_COUNT_RANGE.max());
    }
  }
}
