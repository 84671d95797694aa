package io.zferry.service.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.zferry.service.api.auth.ApiToken;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.Objects;

/**
 * A client of zferryd's API, for the CLI and for the peer node: sends the bearer token, reads JSON
 * answers into records, and turns everything else into an {@link ApiCallException}.
 */
public final class ApiClient {
  private final URI baseUrl;
  private final ApiToken token;
  private final Duration connectTimeout;
  private final Duration requestTimeout;
  private final HttpClient http;
  private final ObjectMapper json = ApiJson.client();

  /**
   * @param baseUrl scheme, host and port of the daemon, such as {@code http://127.0.0.1:8330}
   * @param connectTimeout how long to wait for a connection, its TLS handshake included
   * @param requestTimeout how long to wait for a whole answer
   */
  public ApiClient(URI baseUrl, ApiToken token, Duration connectTimeout, Duration requestTimeout) {
    this(baseUrl, token, connectTimeout, requestTimeout, java.util.Optional.empty());
  }

  /**
   * @param ssl what an https:// daemon is trusted by (see {@link TlsKeyStore#trust}); the JVM's
   *     default when empty
   */
  public ApiClient(
      URI baseUrl,
      ApiToken token,
      Duration connectTimeout,
      Duration requestTimeout,
      java.util.Optional<javax.net.ssl.SSLContext> ssl) {
    Objects.requireNonNull(baseUrl, "baseUrl");
    if (baseUrl.getScheme() == null
        || !(baseUrl.getScheme().equals("http") || baseUrl.getScheme().equals("https"))
        || baseUrl.getHost() == null) {
      throw new IllegalArgumentException(
          "the API URL " + baseUrl + " is not an http:// or https:// URL with a host");
    }
    String text = baseUrl.toString();
    this.baseUrl = URI.create(text.endsWith("/") ? text.substring(0, text.length() - 1) : text);
    this.token = Objects.requireNonNull(token, "token");
    this.connectTimeout = Objects.requireNonNull(connectTimeout, "connectTimeout");
    this.requestTimeout = Objects.requireNonNull(requestTimeout, "requestTimeout");
    HttpClient.Builder builder = HttpClient.newBuilder().connectTimeout(connectTimeout);
    ssl.ifPresent(builder::sslContext);
    this.http = builder.build();
  }

  /** {@code http://HOST:PORT}, with an IPv6 address in brackets. */
  public static URI httpUrl(String host, int port) {
    return url(false, host, port);
  }

  /** {@code https://HOST:PORT} when {@code tls}, else {@code http://HOST:PORT}. */
  public static URI url(boolean tls, String host, int port) {
    String h = host.contains(":") && !host.startsWith("[") ? "[" + host + "]" : host;
    return URI.create((tls ? "https://" : "http://") + h + ":" + port);
  }

  public URI baseUrl() {
    return baseUrl;
  }

  /**
   * GETs {@code path} (relative to {@code /api/v1}, such as {@code /status}) and reads the answer
   * into {@code type}; {@code String.class} returns the body unchanged.
   */
  public <T> T get(String path, Class<T> type) throws ApiCallException {
    return call(request(path).GET().build(), type);
  }

  /** POSTs {@code body} as JSON to {@code path} and reads the answer into {@code type}. */
  public <T> T post(String path, Object body, Class<T> type) throws ApiCallException {
    String text;
    try {
      text = json.writeValueAsString(body);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("the request body cannot be written as JSON", e);
    }
    return call(
        request(path)
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(text))
            .build(),
        type);
  }

  private HttpRequest.Builder request(String path) {
    if (!path.startsWith("/")) {
      throw new IllegalArgumentException("an API path starts with '/': " + path);
    }
    return HttpRequest.newBuilder(URI.create(baseUrl + ApiServer.PREFIX + path))
        .timeout(requestTimeout)
        .header("Accept", "application/json")
        .header("Authorization", "Bearer " + token.secret());
  }

  private <T> T call(HttpRequest request, Class<T> type) throws ApiCallException {
    URI uri = request.uri();
    HttpResponse<String> response;
    try {
      response = http.send(request, HttpResponse.BodyHandlers.ofString());
    } catch (HttpConnectTimeoutException e) {
      throw new ApiUnreachableException(
          uri, "no connection (TCP and TLS) within " + connectTimeout.toMillis() + " ms", e);
    } catch (HttpTimeoutException e) {
      throw ApiUnreachableException.timedOut(uri, requestTimeout, e);
    } catch (IOException e) {
      throw new ApiUnreachableException(uri, describe(e), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ApiUnreachableException(uri, "interrupted", e);
    }
    int status = response.statusCode();
    if (status < 200 || status > 299) {
      throw error(uri, status, response.body());
    }
    if (type == String.class) {
      return type.cast(response.body());
    }
    try {
      return json.readValue(response.body(), type);
    } catch (JsonProcessingException e) {
      throw new ApiException(
          uri,
          status,
          "the answer is not a " + type.getSimpleName() + " (" + e.getOriginalMessage() + ")",
          "check that zferry and zferryd are the same version and that the URL is zferryd's");
    }
  }

  private ApiException error(URI uri, int status, String body) {
    try {
      ApiError error = json.readValue(body, ApiError.class);
      if (error != null) {
        return new ApiException(uri, status, error.error(), error.fix());
      }
    } catch (JsonProcessingException e) {
      // Not zferryd's error shape: a proxy, or another server on that port.
    }
    return new ApiException(
        uri,
        status,
        "the server answered HTTP " + status + " without a zferry error",
        "check that the URL is zferryd's API");
  }

  private static String describe(IOException e) {
    String message = e.getMessage();
    if (message == null || message.isBlank()) {
      Throwable cause = e.getCause();
      message = cause != null && cause.getMessage() != null ? cause.getMessage() : "";
    }
    String kind = e.getClass().getSimpleName();
    return message.isBlank() ? kind : kind + ": " + message;
  }
}
