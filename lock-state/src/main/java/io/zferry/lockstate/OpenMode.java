package io.zferry.lockstate;

/** What {@link SqliteStateStore#open} does when the database file does not exist. */
public enum OpenMode {
  /** Create an empty store: a node's first start. */
  CREATE_IF_MISSING,
  /**
   * Refuse with {@link StateStoreException.Reason#MISSING}: a node that has run before must not
   * silently start from epoch 0, which would let it out-vote nothing and forget its sync locks.
   */
  MUST_EXIST
}
