package io.zferry.lockstate;

import java.util.List;

/**
 * The database layout, as the ordered migrations that build it. Released migrations are never
 * edited: a node's file was built by them, so a change is always a new step at the end.
 *
 * <p>Instants are stored as epoch milliseconds ({@code *_ms}), GUIDs as canonical unsigned decimal
 * text (SQLite integers are signed, and text reads the same in a {@code sqlite3} shell as in {@code
 * zfs get}). Tables are STRICT so a value of the wrong type is refused, not coerced.
 */
final class Schema {
  /**
   * "zFRY": marks the file as zferry's, so a state path pointing at another program's is refused.
   */
  static final int APPLICATION_ID = 0x7A465259;

  static final List<Migration> MIGRATIONS =
      Migration.requireSequence(
          List.of(
              new Migration(
                  1,
                  "roles, epochs, sync locks, applied snapshots, events and replication runs",
                  List.of(
                      "CREATE TABLE service_state ("
                          + " service TEXT NOT NULL PRIMARY KEY,"
                          + " active_node TEXT NOT NULL,"
                          + " epoch INTEGER NOT NULL CHECK (epoch >= 0),"
                          + " lock_reason TEXT,"
                          + " lock_since_ms INTEGER,"
                          + " lock_by TEXT,"
                          + " lock_common_snapshot TEXT,"
                          + " lock_common_guid TEXT,"
                          + " updated_at_ms INTEGER NOT NULL,"
                          + " CHECK ((lock_reason IS NULL) = (lock_since_ms IS NULL)"
                          + "    AND (lock_reason IS NULL) = (lock_by IS NULL)),"
                          + " CHECK ((lock_common_snapshot IS NULL) = (lock_common_guid IS NULL)),"
                          + " CHECK (lock_reason IS NOT NULL OR lock_common_snapshot IS NULL)"
                          + ") STRICT",
                      "CREATE TABLE applied_snapshot ("
                          + " service TEXT NOT NULL REFERENCES service_state (service),"
                          + " node TEXT NOT NULL,"
                          + " snapshot_name TEXT NOT NULL,"
                          + " guid TEXT NOT NULL,"
                          + " applied_at_ms INTEGER NOT NULL,"
                          + " PRIMARY KEY (service, node)"
                          + ") STRICT",
                      // AUTOINCREMENT: ids are never reused after pruning, so "events after id N"
                      // stays a valid cursor for a poller.
                      "CREATE TABLE event ("
                          + " id INTEGER PRIMARY KEY AUTOINCREMENT,"
                          + " at_ms INTEGER NOT NULL,"
                          + " kind TEXT NOT NULL,"
                          + " service TEXT,"
                          + " node TEXT NOT NULL,"
                          + " actor TEXT NOT NULL,"
                          + " message TEXT NOT NULL"
                          + ") STRICT",
                      "CREATE INDEX event_by_service ON event (service, id)",
                      "CREATE INDEX event_by_time ON event (at_ms)",
                      "CREATE TABLE replication_run ("
                          + " id INTEGER PRIMARY KEY AUTOINCREMENT,"
                          + " service TEXT NOT NULL REFERENCES service_state (service),"
                          + " source_node TEXT NOT NULL,"
                          + " target_node TEXT NOT NULL,"
                          + " started_ms INTEGER NOT NULL,"
                          + " finished_ms INTEGER,"
                          + " bytes INTEGER NOT NULL DEFAULT 0 CHECK (bytes >= 0),"
                          + " result TEXT,"
                          + " plan TEXT,"
                          + " error TEXT,"
                          + " CHECK ((finished_ms IS NULL) = (result IS NULL))"
                          + ") STRICT",
                      "CREATE INDEX replication_run_by_service ON replication_run (service, id)",
                      "PRAGMA application_id = " + APPLICATION_ID)),
              new Migration(
                  2,
                  "settings an operator changed at run time",
                  List.of(
                      "CREATE TABLE setting_override ("
                          + " scope TEXT NOT NULL,"
                          + " key TEXT NOT NULL,"
                          + " value TEXT NOT NULL,"
                          + " updated_at_ms INTEGER NOT NULL,"
                          + " PRIMARY KEY (scope, key)"
                          + ") STRICT"))));

  static final int LATEST_VERSION = MIGRATIONS.size();

  private Schema() {}
}
