package io.zferry.service.api.auth;

import java.util.Objects;

/**
 * Who sent an authenticated API request.
 *
 * @param name the token's label or a GUI user's login name
 * @param method how the request proved it
 */
public record Caller(String name, Method method) {
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
  }

  /** How the event history names the caller, such as {@code token:cli}. */
  public String who() {
    return method.prefix + ":" + name;
  }
}
