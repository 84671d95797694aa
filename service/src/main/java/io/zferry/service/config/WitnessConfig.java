package io.zferry.service.config;

import io.zferry.snapshot.zfs.ZfsNames;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * The third vote (design §5 rule 8): an etcd cluster holding each service's leader key under a
 * lease. The active serves only while it holds the lease; the passive takes over only after
 * acquiring it.
 *
 * @param endpoints the etcd members' client URLs ({@code http://HOST:PORT}), tried in order
 * @param ttl the lease's time to live (5s..5m): how long a partitioned active may still serve
 * @param safetyMargin how long before the lease could expire the active stops writes and drops its
 *     VIPs (at least 2 heartbeat intervals, under two thirds of the TTL)
 */
public record WitnessConfig(List<URI> endpoints, Duration ttl, Duration safetyMargin) {
  public static final DurationRange TTL_RANGE = DurationRange.of("5s", "5m");
  public static final DurationRange MARGIN_RANGE = DurationRange.of("1s", "3m");
  public static final Duration DEFAULT_TTL = Duration.ofSeconds(30);
  public static final Duration DEFAULT_SAFETY_MARGIN = Duration.ofSeconds(10);

  public WitnessConfig {
    endpoints = List.copyOf(endpoints);
    if (endpoints.isEmpty()) {
      throw new ConfigValueException(
          "endpoints",
          "is empty",
          "list the etcd members' client URLs, such as [http://10.0.0.3:2379], or remove witness:");
    }
    TTL_RANGE.check("ttl", ttl);
    MARGIN_RANGE.check("safetyMargin", safetyMargin);
    if (safetyMargin.multipliedBy(3).compareTo(ttl.multipliedBy(2)) >= 0) {
      throw new ConfigValueException(
          "safetyMargin",
          DurationText.format(safetyMargin)
              + " leaves no time to renew a lease of "
              + DurationText.format(ttl)
              + " (renewed every third of it) before the active must stop",
          "keep safetyMargin under two thirds of ttl, such as ttl: 30s, safetyMargin: 10s");
    }
  }

  /**
   * The request time-out of one call to the witness: a hung renewal is given up before the next.
   */
  public Duration requestTimeout() {
    Duration sixth = ttl.dividedBy(6);
    return sixth.compareTo(Duration.ofSeconds(5)) < 0 ? sixth : Duration.ofSeconds(5);
  }

  /** An etcd client URL: http or https, a host and a port, nothing else. */
  static URI requireEndpoint(String key, String text) {
    Objects.requireNonNull(text, "text");
    URI uri;
    try {
      uri = new URI(text);
    } catch (URISyntaxException e) {
      uri = null;
    }
    if (uri == null
        || !("http".equals(uri.getScheme()) || "https".equals(uri.getScheme()))
        || uri.getHost() == null
        || uri.getPort() < 1
        || !(uri.getRawPath() == null || uri.getRawPath().isEmpty() || uri.getRawPath().equals("/"))
        || uri.getRawQuery() != null
        || uri.getRawUserInfo() != null) {
      throw new ConfigValueException(
          key,
          ZfsNames.printable(text) + " is not an etcd client URL",
          "write http://HOST:PORT (or https://), such as http://10.0.0.3:2379");
    }
    return uri;
  }
}
