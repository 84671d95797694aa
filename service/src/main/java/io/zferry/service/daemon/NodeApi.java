package io.zferry.service.daemon;

import io.javalin.http.Context;
import io.zferry.gui.PasswordHashes;
import io.zferry.gui.Sessions;
import io.zferry.gui.WebGui;
import io.zferry.lockstate.StateStore;
import io.zferry.service.api.ApiRoutes;
import io.zferry.service.api.ApiServer;
import io.zferry.service.api.Authentication;
import io.zferry.service.api.BearerTokenAuthenticator;
import io.zferry.service.api.PinnedCertificateTrust;
import io.zferry.service.api.SessionCookieAuthenticator;
import io.zferry.service.api.TlsKeyStore;
import io.zferry.service.api.auth.ApiTokens;
import io.zferry.service.api.auth.FailureRateLimiter;
import io.zferry.service.config.NodeConfig;
import io.zferry.service.config.ZferryConfig;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.Predicate;
import java.util.stream.Collectors;

/**
 * zferryd's API server as a node runs it: who may connect (tokens, with the peer's certificate when
 * it is pinned, and GUI sessions), the GUI, the audit trail, and every route with the roles it
 * admits.
 */
final class NodeApi {
  private NodeApi() {}

  static ApiServer create(
      ZferryConfig config,
      NodeConfig me,
      StateStore store,
      ApiTokens tokens,
      Clock clock,
      NodeDaemon daemon,
      RuntimeSettings runtimeSettings) {
    // One limiter for tokens and passwords: a guesser gains nothing by switching between them.
    FailureRateLimiter limiter = FailureRateLimiter.withDefaults(clock);
    ConfiguredGuiUsers guiUsers = new ConfiguredGuiUsers(config.api().users());
    WebGui gui =
        new WebGui(
            guiUsers,
            new Sessions(clock),
            limiter,
            new PasswordHashes(),
            config.api().tls().isPresent());
    Authentication authentication =
        new Authentication(
            List.of(
                new BearerTokenAuthenticator(tokens, peerProof(config)),
                new SessionCookieAuthenticator(gui, guiUsers::role)),
            limiter);
    return new ApiServer(
        config.api().bindAddress(),
        me.apiPort(),
        config.api().tls(),
        authentication,
        Optional.of(gui),
        new ApiAudit(
            store,
            me.name().value(),
            config.services().stream().map(s -> s.name().value()).collect(Collectors.toSet())),
        routes(daemon, runtimeSettings));
  }

  /** With a pinned peer certificate, the peer's token counts only with that certificate. */
  private static Predicate<Context> peerProof(ZferryConfig config) {
    Optional<PinnedCertificateTrust> pinned =
        config
            .api()
            .tls()
            .filter(t -> t.peerCertificate().isPresent())
            .map(TlsKeyStore::pinnedTrust);
    return ctx -> pinned.map(p -> TlsKeyStore.presentedPinned(ctx.req(), p)).orElse(true);
  }

  /** Every route of zferryd's API; each names who may call it (docs/security.md, 2.7). */
  static Consumer<ApiRoutes> routes(NodeDaemon daemon, RuntimeSettings settings) {
    return routes -> {
      new Endpoints(daemon).register(routes);
      new GuiEndpoints(daemon).register(routes);
      settings.register(routes);
    };
  }
}
