package io.zferry.lockstate;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Clock;
import java.util.Map;
import java.util.TreeMap;

/** The {@code setting_override} table: settings an operator changed at run time, by scope. */
final class SettingOverrides {
  private final SqliteTransactions transactions;
  private final EventLog events;
  private final Clock clock;

  SettingOverrides(SqliteTransactions transactions, EventLog events, Clock clock) {
    this.transactions = transactions;
    this.events = events;
    this.clock = clock;
  }

  /** {@link StateStore#saveSettingOverrides}. */
  void save(String scope, Map<String, String> values, String node, String actor) {
    if (!scope.equals(StateStore.CLUSTER_SCOPE)) {
      Checks.name("scope", scope);
    }
    Checks.name("node", node);
    Checks.label("actor", actor);
    Map<String, String> copy = new TreeMap<>(values);
    copy.forEach(
        (k, v) -> {
          Checks.label("setting key", k);
          Checks.label("setting value", v);
        });
    String what = scope.equals(StateStore.CLUSTER_SCOPE) ? "cluster" : "service " + scope;
    String message =
        copy.isEmpty()
            ? "settings of " + what + " reset to the configuration"
            : "settings of " + what + " set to " + copy;
    transactions.write(
        "saving the settings of " + what,
        c -> {
          try (PreparedStatement delete =
              c.prepareStatement("DELETE FROM setting_override WHERE scope = ?")) {
            delete.setString(1, scope);
            delete.executeUpdate();
          }
          try (PreparedStatement insert =
              c.prepareStatement(
                  "INSERT INTO setting_override (scope, key, value, updated_at_ms)"
                      + " VALUES (?, ?, ?, ?)")) {
            for (var e : copy.entrySet()) {
              insert.setString(1, scope);
              insert.setString(2, e.getKey());
              insert.setString(3, e.getValue());
              insert.setLong(4, SqlValues.now(clock).toEpochMilli());
              insert.executeUpdate();
            }
          }
          return events.insert(
              c,
              EventKind.CONFIG,
              scope.equals(StateStore.CLUSTER_SCOPE) ? null : scope,
              node,
              actor,
              message);
        });
  }

  /** {@link StateStore#settingOverrides}: every scope's settings, by scope and key. */
  Map<String, Map<String, String>> all() {
    return transactions.read(
        "reading the operator's settings",
        c -> {
          Map<String, Map<String, String>> all = new TreeMap<>();
          try (PreparedStatement select =
                  c.prepareStatement(
                      "SELECT scope, key, value FROM setting_override ORDER BY scope, key");
              ResultSet rows = select.executeQuery()) {
            while (rows.next()) {
              all.computeIfAbsent(rows.getString(1), k -> new TreeMap<>())
                  .put(rows.getString(2), rows.getString(3));
            }
          }
          return all;
        });
  }
}
