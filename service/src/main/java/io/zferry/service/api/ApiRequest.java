package io.zferry.service.api;

import io.javalin.http.Context;
import io.zferry.service.api.auth.Caller;
import java.util.Optional;

/** What a route sees of an authenticated request. */
public final class ApiRequest {
  private final Context ctx;
  private final Caller caller;

  ApiRequest(Context ctx) {
    this.ctx = ctx;
    this.caller = Authentication.caller(ctx);
  }

  /** Who sent it; what the event history records as "who". */
  public Caller caller() {
    return caller;
  }

  /** A path parameter, such as {@code service} of {@code /services/{service}/failover}. */
  public String pathParam(String name) {
    return ctx.pathParam(name);
  }

  public Optional<String> queryParam(String name) {
    return Optional.ofNullable(ctx.queryParam(name));
  }

  public String remoteAddress() {
    return ctx.req().getRemoteAddr();
  }
}
