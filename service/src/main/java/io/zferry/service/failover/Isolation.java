package io.zferry.service.failover;

/** Whether this node reaches the configured ping targets (design §5 rule 3). */
public enum Isolation {
  /** At least one ping target answered. */
  CONNECTED,
  /** No ping target answered: the silence this node sees may be its own. */
  ISOLATED,
  /** No ping targets are configured. */
  NOT_CHECKED
}
