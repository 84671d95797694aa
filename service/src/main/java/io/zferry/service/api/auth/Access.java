package io.zferry.service.api.auth;

import java.util.EnumSet;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Who may call a route. Every route of the API names one when it is added, so a route cannot exist
 * without a rule; docs/security.md lists them all and a unit test holds the two together.
 */
public enum Access {
  /** Reads of the cluster's state by people and their tools. */
  READ(Role.VIEWER, Role.OPERATOR),
  /** Reads the other node also needs: its heartbeat and its status. */
  READ_OR_PEER(Role.VIEWER, Role.OPERATOR, Role.PEER),
  /** What changes the cluster, or costs the nodes real work (a divergence report). */
  OPERATE(Role.OPERATOR),
  /** The internal endpoints: only the other node, never a person or a GUI session. */
  PEER(Role.PEER),
  /** The Prometheus exposition. */
  METRICS(Role.METRICS, Role.VIEWER, Role.OPERATOR);

  private final Set<Role> roles;

  Access(Role first, Role... rest) {
    this.roles = EnumSet.of(first, rest);
  }

  public boolean admits(Role role) {
    return roles.contains(role);
  }

  /** The admitted roles, in {@link Role}'s order. */
  public Set<Role> roles() {
    return EnumSet.copyOf(roles);
  }

  /** Such as {@code viewer, operator}. */
  public String text() {
    return roles.stream().map(Role::text).collect(Collectors.joining(", "));
  }
}
