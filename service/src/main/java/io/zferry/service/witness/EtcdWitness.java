package io.zferry.service.witness;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.zferry.service.control.Witness;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The witness over etcd 3.4's gRPC-JSON gateway ({@code /v3/lease/grant}, {@code
 * /v3/lease/keepalive}, {@code /v3/kv/txn}, {@code /v3/kv/range}), one leader key per service:
 * {@code /zferry/<cluster>/<service>/leader} = the holder's node name, attached to its lease.
 *
 * <p>Each request goes first to the endpoint that answered last, then to the others in turn; a
 * member that refuses the connection or times out is skipped, and etcd forwards to its leader, so
 * any live member of a quorum serves. Starting where the last answer came from matters in a
 * partition: a member cut off by dropped packets costs a whole request time-out each time it is
 * tried, and a renewal that paid it on every request would run past the lease's deadline. A
 * time-out or a reply that cannot be read is {@link Answer.Unanswered}: the request may have taken
 * effect, and the rules in {@code LeaderLease} never read it as a grant. Every operation is safe to
 * repeat.
 */
public final class EtcdWitness implements Witness {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final List<URI> endpoints;
  private final String key;
  private final Duration requestTimeout;
  private final HttpClient http;

  /** The index of the endpoint that answered last: each request starts there. */
  private volatile int preferred;

  /**
   * @param endpoints the members' client URLs, e.g. {@code http://10.0.0.3:2379}
   * @param key the service's leader key
   * @param requestTimeout how long one call (a renewal, an acquisition, a hand-over) may take, all
   *     its requests to all members together; well under a third of the lease TTL, so a renewal
   *     that hangs is given up in time for the next
   */
  public EtcdWitness(List<URI> endpoints, String key, Duration requestTimeout) {
    this.endpoints = List.copyOf(endpoints);
    this.key = Objects.requireNonNull(key, "key");
    this.requestTimeout = Objects.requireNonNull(requestTimeout, "requestTimeout");
    if (this.endpoints.isEmpty()) {
      throw new IllegalArgumentException("the witness needs at least one endpoint");
    }
    // A member whose address does not answer at all must not take the others' share.
    this.http =
        HttpClient.newBuilder()
            .connectTimeout(requestTimeout.dividedBy(this.endpoints.size()))
            .build();
  }

  /** The leader key of one service of one cluster. */
  public static String leaderKey(String cluster, String service) {
    return "/zferry/" + cluster + "/" + service + "/leader";
  }

  @Override
  public Answer acquire(String self, Duration ttl) {
    long deadline = deadline();
    try {
      long lease = grant(deadline, ttl);
      ObjectNode created =
          txn(deadline, compare("CREATE").put("create_revision", "0"), put(self, lease), range());
      if (created.path("succeeded").asBoolean(false)) {
        return new Answer.Granted(lease);
      }
      Optional<String> holder = holderIn(created);
      if (holder.isPresent() && !holder.get().equals(self)) {
        return new Answer.Refused("the leader key names " + holder.get());
      }
      // The key names this node (under an older lease of its own, a restart or a lost reply):
      // attach the new lease, provided it still names this node.
      ObjectNode attached =
          txn(deadline, compare("VALUE").put("value", b64(self)), put(self, lease), range());
      if (attached.path("succeeded").asBoolean(false)) {
        return new Answer.Granted(lease);
      }
      return new Answer.Refused(
          holderIn(attached)
              .map(h -> "the leader key names " + h)
              .orElse("the key changed meanwhile"));
    } catch (Unanswered e) {
      return new Answer.Unanswered(e.getMessage());
    }
  }

  @Override
  public Answer renew(String self, long leaseId) {
    long deadline = deadline();
    try {
      JsonNode alive =
          post(deadline, "/v3/lease/keepalive", JSON.createObjectNode().put("ID", leaseId));
      if (alive.path("result").path("TTL").asLong(0) <= 0) {
        return new Answer.Refused("lease " + leaseId + " expired");
      }
      JsonNode kv =
          post(deadline, "/v3/kv/range", JSON.createObjectNode().put("key", b64(key))).path("kvs");
      if (kv.isEmpty()) {
        return new Answer.Refused("the leader key is absent");
      }
      String holder = unb64(kv.get(0).path("value").asText(""));
      long lease = kv.get(0).path("lease").asLong(0);
      if (!holder.equals(self)) {
        return new Answer.Refused("the leader key names " + holder);
      }
      if (lease != leaseId) {
        return new Answer.Refused("the leader key is attached to another lease");
      }
      return new Answer.Granted(leaseId);
    } catch (Unanswered e) {
      return new Answer.Unanswered(e.getMessage());
    }
  }

  @Override
  public Answer handOver(String from, String to) {
    long deadline = deadline();
    try {
      ObjectNode put = JSON.createObjectNode();
      put.putObject("request_put")
          .put("key", b64(key))
          .put("value", b64(to))
          .put("ignore_lease", true);
      ObjectNode handed = txn(deadline, compare("VALUE").put("value", b64(from)), put, range());
      // A repeated request (a member timed out, the next one answered) finds its own effect.
      if (handed.path("succeeded").asBoolean(false) || holderIn(handed).equals(Optional.of(to))) {
        return new Answer.Granted(0);
      }
      return new Answer.Refused(
          holderIn(handed)
              .map(h -> "the leader key names " + h)
              .orElse("the leader key is absent"));
    } catch (Unanswered e) {
      return new Answer.Unanswered(e.getMessage());
    }
  }

  @Override
  public String describe() {
    return endpoints.stream().map(URI::toString).reduce((x, y) -> x + "," + y).orElse("");
  }

  /** Who the leader key names now, for tests and status; empty if absent. */
  public Optional<String> leader() throws IOException {
    try {
      JsonNode kv =
          post(deadline(), "/v3/kv/range", JSON.createObjectNode().put("key", b64(key)))
              .path("kvs");
      return kv.isEmpty()
          ? Optional.empty()
          : Optional.of(unb64(kv.get(0).path("value").asText("")));
    } catch (Unanswered e) {
      throw new IOException(e.getMessage(), e);
    }
  }

  private long grant(long deadline, Duration ttl) {
    JsonNode granted =
        post(
            deadline,
            "/v3/lease/grant",
            JSON.createObjectNode().put("TTL", Math.max(1, ttl.toSeconds())));
    long id = granted.path("ID").asLong(0);
    if (id == 0) {
      throw new Unanswered("the witness granted no lease: " + granted);
    }
    return id;
  }

  private ObjectNode compare(String target) {
    return JSON.createObjectNode()
        .put("key", b64(key))
        .put("result", "EQUAL")
        .put("target", target);
  }

  private ObjectNode put(String value, long lease) {
    ObjectNode put = JSON.createObjectNode();
    put.putObject("request_put").put("key", b64(key)).put("value", b64(value)).put("lease", lease);
    return put;
  }

  private ObjectNode range() {
    ObjectNode range = JSON.createObjectNode();
    range.putObject("request_range").put("key", b64(key));
    return range;
  }

  private ObjectNode txn(
      long deadline, ObjectNode compare, ObjectNode success, ObjectNode failure) {
    ObjectNode body = JSON.createObjectNode();
    body.putArray("compare").add(compare);
    body.putArray("success").add(success);
    body.putArray("failure").add(failure);
    return (ObjectNode) post(deadline, "/v3/kv/txn", body);
  }

  /** The holder named in a transaction's range response, if the key exists. */
  private static Optional<String> holderIn(ObjectNode txn) {
    for (JsonNode response : (ArrayNode) txn.withArray("responses")) {
      JsonNode kvs = response.path("response_range").path("kvs");
      if (kvs.isArray() && !kvs.isEmpty()) {
        return Optional.of(unb64(kvs.get(0).path("value").asText("")));
      }
    }
    return Optional.empty();
  }

  /**
   * When a call that starts now must have its answer: one request time-out for the whole call, all
   * its requests and all members tried, so a renewal never outlasts the time it was given (three
   * hung members used to take three time-outs, twice per renewal, past the holder's deadline).
   */
  private long deadline() {
    return System.nanoTime() + requestTimeout.toNanos();
  }

  /**
   * Posts to the members in turn, starting with the one that answered last, until one answers. Each
   * is given an equal share of the time left before {@code deadline}, so a hung member leaves time
   * for the others.
   */
  private JsonNode post(long deadline, String path, ObjectNode body) {
    List<String> failures = new ArrayList<>();
    int first = preferred;
    for (int i = 0; i < endpoints.size(); i++) {
      long left = deadline - System.nanoTime();
      if (left <= 0) {
        failures.add("no time left within the request time-out of " + requestTimeout);
        break;
      }
      int index = (first + i) % endpoints.size();
      URI endpoint = endpoints.get(index);
      Duration share = Duration.ofNanos(Math.max(left / (endpoints.size() - i), 1_000_000));
      HttpRequest request =
          HttpRequest.newBuilder(endpoint.resolve(path))
              .timeout(share)
              .header("Content-Type", "application/json")
              .POST(HttpRequest.BodyPublishers.ofString(body.toString()))
              .build();
      try {
        HttpResponse<String> response =
            http.send(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        if (response.statusCode() != 200) {
          failures.add(endpoint + ": HTTP " + response.statusCode() + " " + response.body());
          continue;
        }
        JsonNode answer = JSON.readTree(response.body());
        preferred = index;
        return answer;
      } catch (IOException e) {
        failures.add(endpoint + ": " + e.getClass().getSimpleName() + " " + e.getMessage());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new Unanswered("interrupted");
      }
    }
    throw new Unanswered(String.join("; ", failures));
  }

  private static String b64(String text) {
    return Base64.getEncoder().encodeToString(text.getBytes(StandardCharsets.UTF_8));
  }

  private static String unb64(String text) {
    return new String(Base64.getDecoder().decode(text), StandardCharsets.UTF_8);
  }

  /** No usable answer from any endpoint. */
  private static final class Unanswered extends RuntimeException {
    Unanswered(String message) {
      super(message);
    }
  }
}
