package io.zferry.lockstate;

/** What an {@link Event} records; stored by name, so constants may be added but never renamed. */
public enum EventKind {
  ROLE_CHANGE,
  SYNC_LOCKED,
  SYNC_UNLOCKED,
  FENCE,
  VIP_UP,
  VIP_DOWN,
  OPERATOR_ACTION,
  REPLICATION_ERROR,
  SNAPSHOT,
  CONFIG,
  DAEMON,
  /** An API call: an action and its answer, or a refused call (who, from where, what). */
  ACCESS
}
