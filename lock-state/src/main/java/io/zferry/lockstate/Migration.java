package io.zferry.lockstate;

import java.util.List;

/**
 * One step of the schema, applied in a transaction of its own together with {@code PRAGMA
 * user_version = version}, so a crash leaves the database at the step before or after, never in
 * between.
 *
 * @param statements single SQL statements, in order
 */
record Migration(int version, String description, List<String> statements) {
  Migration {
    if (version < 1) {
      throw new IllegalArgumentException("migration versions start at 1: " + version);
    }
    Checks.label("migration description", description);
    statements = List.copyOf(statements);
    if (statements.isEmpty()) {
      throw new IllegalArgumentException("migration " + version + " has no statements");
    }
  }

  /** Versions 1, 2, 3 … in order, so that user_version alone says which steps have run. */
  static List<Migration> requireSequence(List<Migration> migrations) {
    for (int i = 0; i < migrations.size(); i++) {
      if (migrations.get(i).version() != i + 1) {
        throw new IllegalArgumentException(
            "migration at position "
                + i
                + " has version "
                + migrations.get(i).version()
                + "; versions must run 1, 2, 3 … without gaps");
      }
    }
    return List.copyOf(migrations);
  }
}
