package io.zferry.service.daemon;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.zferry.service.status.HeartbeatView;
import io.zferry.service.status.StatusViews.NodeStatus;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
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

  private final URI statusUri;
  private final URI heartbeatUri;
  private final Duration timeout;
  private final Clock clock;
  private final HttpClient http;
  private final ObjectMapper json =
      new ObjectMapper().configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);
  private Optional<NodeStatus> cached = Optional.empty();
  private Instant cachedAt = Instant.EPOCH;
  private volatile Optional<NodeStatus> lastKnown = Optional.empty();

  public PeerClient(String address, int port, Duration timeout, Clock clock) {
    String host = address.contains(":") ? "[" + address + "]" : address;
    this.statusUri = URI.create("http://" + host + ":" + port + "/api/v1/status");
    this.heartbeatUri = URI.create("http://" + host + ":" + port + "/api/v1/heartbeat");
    this.timeout = timeout;
    this.clock = clock;
    this.http = HttpClient.newBuilder().connectTimeout(timeout).build();
  }

  /** The peer's status now, or empty if it does not answer within the timeout. */
  public synchronized Optional<NodeStatus> status() {
    Instant now = clock.instant();
    if (Duration.between(cachedAt, now).compareTo(CACHE_FOR) < 0) {
      return cached;
    }
    cached = fetch();
    cachedAt = now;
    cached.ifPresent(s -> lastKnown = cached);
    return cached;
  }

  /** The peer's heartbeat, fetched now; empty if it does not answer within {@code timeout}. */
  public Optional<HeartbeatView> heartbeat(Duration timeout) {
    HttpRequest request = HttpRequest.newBuilder(heartbeatUri).timeout(timeout).GET().build();
    try {
      HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
      if (response.statusCode() != 200) {
        log.debug("peer {} answered {}", heartbeatUri, response.statusCode());
        return Optional.empty();
      }
      return Optional.of(json.readValue(response.body(), HeartbeatView.class));
    } catch (IOException e) {
      return Optional.empty();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Optional.empty();
    }
  }

  /** The last status the peer gave, however old. */
  public Optional<NodeStatus> lastKnown() {
    return lastKnown;
  }

  private Optional<NodeStatus> fetch() {
    HttpRequest request = HttpRequest.newBuilder(statusUri).timeout(timeout).GET().build();
    try {
      HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
      if (response.statusCode() != 200) {
        log.debug("peer {} answered {}", statusUri, response.statusCode());
        return Optional.empty();
      }
      return Optional.of(json.readValue(response.body(), NodeStatus.class));
    } catch (IOException e) {
      log.debug("peer {} unreachable: {}", statusUri, e.getMessage());
      return Optional.empty();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Optional.empty();
    }
  }
}
