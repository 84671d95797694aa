package io.zferry.service.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.javalin.Javalin;
import io.javalin.http.Context;
import io.javalin.http.HttpResponseException;
import io.zferry.gui.WebGui;
import io.zferry.service.api.auth.Caller;
import io.zferry.service.config.TlsConfig;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Consumer;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.SecureRequestCustomizer;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.SslConnectionFactory;
import org.eclipse.jetty.util.ssl.SslContextFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * zferryd's HTTP API under {@code /api/v1}.
 *
 * <p>Every request passes {@link Authentication} first, whatever its path: a path nobody routed is
 * refused like any other rather than left open by default, and a client without credentials learns
 * nothing about which routes exist. Every error, whoever raises it, is answered with an {@link
 * ApiError} body.
 *
 * <p>With a {@link WebGui} the same server also serves the GUI: its login page and assets are
 * public, its pages need a session (else a redirect to the login page), and the API accepts a
 * session cookie beside bearer tokens (see {@link SessionCookieAuthenticator}).
 */
public final class ApiServer implements AutoCloseable {
  public static final String PREFIX = "/api/v1";
  private static final Logger log = LoggerFactory.getLogger(ApiServer.class);
  // Requests are small commands; a large body is a mistake or an attack.
  private static final long MAX_REQUEST_BYTES = 64 * 1024;

  private final Javalin app;
  private final ObjectMapper json = ApiJson.server();
  private final AuditTrail audit;
  private final List<ApiRoutes.Rule> rules = new ArrayList<>();

  /**
   * @param routes adds the endpoints, see {@link ApiRoutes}
   */
  public ApiServer(
      String bindAddress, int port, Authentication authentication, Consumer<ApiRoutes> routes) {
    this(
        bindAddress,
        port,
        Optional.empty(),
        authentication,
        Optional.empty(),
        AuditTrail.NONE,
        routes);
  }

  /**
   * @param tls serve HTTPS with this certificate instead of plain HTTP
   * @param gui the web GUI served beside the API
   * @param audit where refused calls and actions are reported
   */
  public ApiServer(
      String bindAddress,
      int port,
      Optional<TlsConfig> tls,
      Authentication authentication,
      Optional<WebGui> gui,
      AuditTrail audit,
      Consumer<ApiRoutes> routes) {
    Objects.requireNonNull(authentication, "authentication");
    this.audit = Objects.requireNonNull(audit, "audit");
    app =
        Javalin.create(
            config -> {
              config.jetty.host = bindAddress;
              config.jetty.port = port;
              tls.ifPresent(
                  t -> {
                    SslContextFactory.Server ssl = new SslContextFactory.Server();
                    if (t.peerCertificate().isPresent()) {
                      // Mutual TLS with the pinned peer; others may connect without a certificate.
                      ssl.setSslContext(TlsKeyStore.peerContext(t));
                      ssl.setWantClientAuth(true);
                    } else {
                      ssl.setKeyStore(TlsKeyStore.load(t));
                      ssl.setKeyStorePassword(new String(TlsKeyStore.PASSWORD));
                    }
                    config.jetty.addConnector(
                        (server, http) -> {
                          http.addCustomizer(new SecureRequestCustomizer(false));
                          ServerConnector connector =
                              new ServerConnector(
                                  server,
                                  new SslConnectionFactory(ssl, "http/1.1"),
                                  new HttpConnectionFactory(http));
                          connector.setHost(bindAddress);
                          connector.setPort(port);
                          return connector;
                        });
                  });
              config.startup.showJavalinBanner = false;
              config.http.maxRequestSize = MAX_REQUEST_BYTES;
              // Jetty reuses a header of an earlier request on the same connection when the new
              // value matches it ignoring case: a token differing only in case would be read as
              // the earlier, valid one.
              config.jetty.modifyHttpConfiguration(http -> http.setHeaderCacheCaseSensitive(true));
              config.routes.before(ctx -> admit(ctx, authentication, gui));
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
              gui.ifPresent(g -> g.register(config.routes));
              ApiRoutes api = new ApiRoutes(config.routes, json, audit);
              routes.accept(api);
              rules.addAll(api.rules());
            });
  }

  /** The GUI's public paths and pages decide for themselves; everything else is the API's. */
  private static void admit(Context ctx, Authentication authentication, Optional<WebGui> gui) {
    if (gui.isPresent()) {
      switch (gui.get().access(ctx)) {
        case PUBLIC, PAGE -> {
          return;
        }
        case LOGIN_REDIRECT -> {
          WebGui.redirectToLogin(ctx);
          ctx.skipRemainingHandlers();
          return;
        }
        case OTHER -> {
          // the API's
        }
      }
    }
    authentication.check(ctx);
  }

  /** Every route of the API and who may call it. */
  public List<ApiRoutes.Rule> rules() {
    return List.copyOf(rules);
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
    if (problem.status() == 401 || problem.status() == 403) {
      audit.record(
          new AuditTrail.Entry(
              Authentication.callerIfAny(ctx).map(Caller::who).orElse("anonymous"),
              ctx.req().getRemoteAddr(),
              ctx.method().name(),
              ctx.path(),
              Optional.ofNullable(ctx.pathParamMap().get("service")),
              problem.status(),
              problem.error()));
    }
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
