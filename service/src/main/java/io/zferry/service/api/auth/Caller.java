package io.zferry.service.api.auth;

import java.util.Objects;

/**
 * Who sent an authenticated API request.
 *
 * @param name the token's label or a GUI user's login name
 * @param method how the request proved it
 * @param role what the token or the user may do
 */
public record Caller(String name, Method method, Role role) {
  /** The ways a request can authenticate. */
  public enum Method {
    TOKEN("token"),
    SESSION("user");

    private final String prefix;

    Method(String prefix) {
      this.prefix = prefix;
    }
  }

  public Caller {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(method, "method");
    Objects.requireNonNull(role, "role");
  }

  /** How the event history names the caller, such as {@code token:cli}. */
  public String who() {
    return method.prefix + ":" + name;
  }

  /** Such as {@code token:cli (operator)}, for messages about what the caller may not do. */
  public String whoWithRole() {
    return who() + " (" + role.text() + ")";
  }
}
