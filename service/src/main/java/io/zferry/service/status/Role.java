package io.zferry.service.status;

/** This node's part in one service. */
public enum Role {
  /** Serves the pool, takes snapshots. */
  ACTIVE,
  /** Keeps a copy by pulling the active's snapshots. */
  PASSIVE;

  public String json() {
    return name().toLowerCase(java.util.Locale.ROOT);
  }
}
