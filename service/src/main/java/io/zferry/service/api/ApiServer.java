package io.zferry.service.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.javalin.Javalin;
import io.javalin.http.Context;
import io.javalin.http.HttpResponseException;
import java.util.Map;
import java.util.Objects;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * zferryd's HTTP API under {@code /api/v1}.
 *
 * <p>Every request passes {@link Authentication} first, whatever its path: a path nobody routed is
 * refused like any other rather than left open by default, and a client without credentials learns
 * nothing about which routes exist. Every error, whoever raises it, is answered with an {@link
 * ApiError} body.
 */
public final class ApiServer implements AutoCloseable {
  public static final String PREFIX = "/api/v1";
  private static final Logger log = LoggerFactory.getLogger(ApiServer.class);
  // Requests are small commands; a large body is a mistake or an attack.
  private static final long MAX_REQUEST_BYTES = 64 * 1024;

  private final Javalin app;
  private final ObjectMapper json = ApiJson.server();

  /**
   * @param routes adds the endpoints, see {@link ApiRoutes}
   */
  public ApiServer(
      String bindAddress, int port, Authentication authentication, Consumer<ApiRoutes> routes) {
    Objects.requireNonNull(authentication, "authentication");
    app =
        Javalin.create(
            config -> {
              config.jetty.host = bindAddress;
              config.jetty.port = port;
              config.startup.showJavalinBanner = false;
              config.http.maxRequestSize = MAX_REQUEST_BYTES;
              // Jetty reuses a header of an earlier request on the same connection when the new
              // value matches it ignoring case: a token differing only in case would be read as
              // the earlier, valid one.
              config.jetty.modifyHttpConfiguration(http -> http.setHeaderCacheCaseSensitive(true));
              config.routes.before(authentication::check);
              config.routes.exception(ApiProblem.class, (e, ctx) -> answer(ctx, e));
              config.routes.exception(
                  HttpResponseException.class, (e, ctx) -> answer(ctx, fromJavalin(e, ctx)));
              config.routes.exception(
                  Exception.class,
                  (e, ctx) -> {
                    log.error("API {} {} failed", ctx.method(), ctx.path(), e);
                    answer(
                        ctx,
                        new ApiProblem(
                            500,
                            "internal error (" + e.getClass().getSimpleName() + ")",
                            "see the zferryd log of this node; report it if it repeats"));
                  });
              routes.accept(new ApiRoutes(config.routes, json));
            });
  }

  public void start() {
    app.start();
    log.info("API listening on port {}", app.port());
  }

  public int port() {
    return app.port();
  }

  @Override
  public void close() {
    app.stop();
  }

  /** Javalin's own answers (no such route, body too large, ...) in the API's error shape. */
  private static ApiProblem fromJavalin(HttpResponseException e, Context ctx) {
    int status = e.getStatus() >= 400 && e.getStatus() <= 599 ? e.getStatus() : 500;
    if (status == 404) {
      return ApiProblem.notFound(
          "no API endpoint " + ctx.method() + " " + ctx.path(),
          "check the method and the path; the API is under "
              + PREFIX
              + ", such as GET "
              + PREFIX
              + "/status");
    }
    if (status == 413) {
      return new ApiProblem(
          413,
          "the request body is larger than " + MAX_REQUEST_BYTES + " bytes",
          "send a smaller body");
    }
    return new ApiProblem(status, e.getMessage(), "check the request", Map.of());
  }

  private void answer(Context ctx, ApiProblem problem) {
    problem.headers().forEach(ctx::header);
    String body;
    try {
      body = json.writeValueAsString(problem.body());
    } catch (JsonProcessingException e) {
      // Two strings always serialize; this is not reachable.
      throw new IllegalStateException(e);
    }
    ctx.status(problem.status()).contentType("application/json").result(body);
  }
}
