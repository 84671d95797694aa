package io.zferry.service.config;

import java.nio.file.Path;

/**
 * Where the node keeps its state: roles, epochs, sync locks, events and replication runs.
 *
 * @param database the SQLite database file; its directory must exist and be writable
 */
public record StateConfig(Path database) {
  public static final Path DEFAULT_DATABASE = Path.of("/var/lib/zferry/state.db");
  public static final StateConfig DEFAULTS = new StateConfig(DEFAULT_DATABASE);

  public StateConfig {
    Checks.absolute("database", database);
  }
}
