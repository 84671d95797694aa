package io.zferry.service.daemon;

import io.zferry.service.api.ApiCallException;
import io.zferry.service.api.ApiClient;
import io.zferry.service.api.ApiException;
import io.zferry.service.status.HeartbeatView;
import io.zferry.service.status.StatusViews.NodeStatus;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads the peer's {@code /api/v1/status}. Answers are cached briefly so a burst of status requests
 * costs the peer one call; a peer that does not answer yields empty, never an exception.
 */
public final class PeerClient {
  private static final Logger log = LoggerFactory.getLogger(PeerClient.class);
  private static final Duration CACHE_FOR = Duration.ofSeconds(2);

  private final ApiClient api;
  private final ApiClient heartbeatApi;
  private final Clock clock;
  private Optional<NodeStatus> cached = Optional.empty();
  private Instant cachedAt = Instant.EPOCH;
  private volatile Optional<NodeStatus> lastKnown = Optional.empty();
  private boolean refusedLogged;
  private final RecurringFailure handshakeFailure = new RecurringFailure();
  private final HeartbeatAnswers answers;

  /**
   * @param api the peer's API, with the token this node authenticates with
   * @param heartbeatApi the same API with the short timeout of a heartbeat
   */
  public PeerClient(ApiClient api, ApiClient heartbeatApi, Clock clock) {
    this.api = api;
    this.heartbeatApi = heartbeatApi;
    this.clock = clock;
    this.answers = new HeartbeatAnswers(clock);
  }

  /** The peer's heartbeat, fetched now; empty if it does not answer in time or refuses. */
  public Optional<HeartbeatView> heartbeat() {
    try {
      HeartbeatView heartbeat = heartbeatApi.get("/heartbeat", HeartbeatView.class);
      handshakeFailure.healed();
      answers
          .answered()
          .ifPresent(news -> log.info("peer API {} {}", heartbeatApi.baseUrl(), news));
      return Optional.of(heartbeat);
    } catch (ApiCallException e) {
      answers
          .unanswered(e.getMessage())
          .ifPresent(news -> log.info("peer API {} {}", heartbeatApi.baseUrl(), news));
      // A failed TLS handshake is not an unreachable peer: something answers on its address
      // without its key, or one side's certificate changed. Said loudly, once for each reason
      // until it heals: the peer restarting, then an impostor, are two warnings.
      if (tlsHandshakeFailed(e) && handshakeFailure.firstTime(e.getMessage())) {
        log.warn(
            "peer API {}: its heartbeat is not believed, the TLS handshake failed: {}; whoever"
                + " answers there does not hold the pinned peer certificate's key, or a"
                + " certificate was replaced (api.tls.peerCertificate on both nodes)",
            heartbeatApi.baseUrl(),
            e.getMessage());
      }
      return Optional.empty();
    }
  }

  private static boolean tlsHandshakeFailed(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof javax.net.ssl.SSLException) {
        return true;
      }
    }
    return false;
  }

  /** The peer's status now, or empty if it does not answer within the timeout. */
  public synchronized Optional<NodeStatus> status() {
    Instant now = clock.instant();
    if (Duration.between(cachedAt, now).compareTo(CACHE_FOR) < 0) {
      return cached;
    }
    return statusNow();
  }

  /** The peer's status asked now, whatever was cached: a takeover compares snapshots by it. */
  public synchronized Optional<NodeStatus> statusNow() {
    cached = fetch();
    cachedAt = clock.instant();
    cached.ifPresent(s -> lastKnown = cached);
    return cached;
  }

  /** The last status the peer gave, however old. */
  public Optional<NodeStatus> lastKnown() {
    return lastKnown;
  }

  private Optional<NodeStatus> fetch() {
    try {
      NodeStatus status = api.get("/status", NodeStatus.class);
      refusedLogged = false;
      return Optional.of(status);
    } catch (ApiException e) {
      // A peer that answers but refuses is misconfigured, not down: say so once, loudly.
      if (!refusedLogged && (e.status() == 401 || e.status() == 429)) {
        log.warn(
            "peer API {} refused this node: {}; both nodes must hold the same API tokens file",
            api.baseUrl(),
            e.getMessage());
        refusedLogged = true;
      } else {
        log.debug("peer API {}: {}", api.baseUrl(), e.getMessage());
      }
      return Optional.empty();
    } catch (ApiCallException e) {
      log.debug("peer API {} unreachable: {}", api.baseUrl(), e.getMessage());
      return Optional.empty();
    }
  }
}
