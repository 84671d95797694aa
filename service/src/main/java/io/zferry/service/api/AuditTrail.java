package io.zferry.service.api;

import java.util.Objects;
import java.util.Optional;

/**
 * Where the API reports every refused call and every action (a POST), with who sent it, from where,
 * what it asked and the answer: zferryd writes them to the journal and the event history.
 */
@FunctionalInterface
public interface AuditTrail {
  AuditTrail NONE = entry -> {};

  void record(Entry entry);

  /**
   * One audited call.
   *
   * @param who the caller as the history names it ({@code token:cli}, {@code user:alice}), or
   *     {@code anonymous} when it did not authenticate
   * @param from the socket's remote address
   * @param method the HTTP method
   * @param path the request's path, as sent (it may be anything for a refused call)
   * @param service the {@code {service}} of the route, if it has one
   * @param status the answer's HTTP status
   * @param answer what the caller was told, such as {@code done} or the error's message
   */
  record Entry(
      String who,
      String from,
      String method,
      String path,
      Optional<String> service,
      int status,
      String answer) {
    public Entry {
      Objects.requireNonNull(who, "who");
      Objects.requireNonNull(from, "from");
      Objects.requireNonNull(method, "method");
      Objects.requireNonNull(path, "path");
      Objects.requireNonNull(service, "service");
      Objects.requireNonNull(answer, "answer");
    }

    public boolean refused() {
      return status == 401 || status == 403;
    }
  }
}
