package io.zferry.service.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.exc.ValueInstantiationException;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * Where endpoints are added to the API. Paths are relative to {@code /api/v1}; every route is
 * behind {@link Authentication}, answers JSON, and reports failures as an {@link ApiError} (a route
 * throws {@link ApiProblem} for that).
 */
public final class ApiRoutes {
  private final RoutesConfig routes;
  private final ObjectMapper json;

  ApiRoutes(RoutesConfig routes, ObjectMapper json) {
    this.routes = routes;
    this.json = json;
  }

  /** Answers a request; the result is written as JSON with status 200. */
  @FunctionalInterface
  public interface Handler {
    Object handle(ApiRequest request) throws Exception;
  }

  /** Answers a request with a JSON body, already read and validated. */
  @FunctionalInterface
  public interface BodyHandler<B> {
    Object handle(ApiRequest request, B body) throws Exception;
  }

  /** Answers a request with text, such as the Prometheus exposition format. */
  @FunctionalInterface
  public interface TextHandler {
    String handle(ApiRequest request) throws Exception;
  }

  /**
   * A GET at {@code absolutePath}, outside {@code /api/v1} (such as {@code /metrics}), answered
   * with text of {@code contentType}. It is authenticated like every other route; its failures are
   * answered as JSON {@link ApiError}s.
   */
  public void getText(String absolutePath, String contentType, TextHandler handler) {
    routes.get(
        checked(absolutePath),
        ctx -> ctx.status(200).contentType(contentType).result(handler.handle(request(ctx))));
  }

  public void get(String path, Handler handler) {
    routes.get(ApiServer.PREFIX + checked(path), ctx -> respond(ctx, handler.handle(request(ctx))));
  }

  /**
   * A POST whose body is read into {@code bodyType} (unknown fields refused) and, if it is a {@link
   * ValidatedBody}, validated, before {@code handler} runs.
   */
  public <B> void post(String path, Class<B> bodyType, BodyHandler<B> handler) {
    routes.post(
        ApiServer.PREFIX + checked(path),
        ctx -> {
          ApiRequest request = request(ctx);
          respond(ctx, handler.handle(request, body(ctx, bodyType)));
        });
  }

  private static ApiRequest request(Context ctx) {
    return new ApiRequest(ctx);
  }

  private void respond(Context ctx, Object value) throws JsonProcessingException {
    ctx.status(200).contentType("application/json").result(json.writeValueAsString(value));
  }

  private <B> B body(Context ctx, Class<B> type) {
    String contentType = ctx.contentType();
    // Requiring JSON also makes a browser ask before sending a cross-site request.
    if (contentType == null
        || !contentType.toLowerCase(Locale.ROOT).startsWith("application/json")) {
      throw new ApiProblem(
          415, "the request body must be JSON", "send it with 'Content-Type: application/json'");
    }
    String text = ctx.body();
    if (text.isBlank()) {
      throw ApiProblem.badRequest("the request body is empty", "send a JSON object");
    }
    B body;
    try {
      body = json.readValue(text, type);
    } catch (ValueInstantiationException e) {
      Throwable cause = e.getCause();
      if (cause instanceof IllegalArgumentException && cause.getMessage() != null) {
        throw ApiProblem.badRequest(
            "the request body is not valid: " + cause.getMessage(), "correct the value");
      }
      throw notValid(e);
    } catch (UnrecognizedPropertyException e) {
      throw ApiProblem.badRequest(
          "the request body has an unknown field '" + e.getPropertyName() + "'",
          "use only the fields "
              + e.getKnownPropertyIds().stream()
                  .map(String::valueOf)
                  .sorted()
                  .collect(Collectors.joining(", ")));
    } catch (JsonMappingException e) {
      throw notValid(e);
    } catch (JsonProcessingException e) {
      String at =
          e.getLocation() == null
              ? ""
              : " (line "
                  + e.getLocation().getLineNr()
                  + ", column "
                  + e.getLocation().getColumnNr()
                  + ")";
      throw ApiProblem.badRequest("the request body is not valid JSON" + at, "send a JSON object");
    }
    if (body == null) {
      throw ApiProblem.badRequest("the request body is null", "send a JSON object");
    }
    if (body instanceof ValidatedBody) {
      ((ValidatedBody) body).validate();
    }
    return body;
  }

  private static ApiProblem notValid(JsonMappingException e) {
    return ApiProblem.badRequest(
        "the request body is not valid" + (e.getPath().isEmpty() ? "" : " at " + field(e)),
        "send each field with the type the endpoint expects");
  }

  private static String field(JsonMappingException e) {
    return e.getPath().stream()
        .map(r -> r.getFieldName() != null ? r.getFieldName() : "[" + r.getIndex() + "]")
        .collect(Collectors.joining("."));
  }

  private static String checked(String path) {
    if (!path.startsWith("/")) {
      throw new IllegalArgumentException("an API path starts with '/': " + path);
    }
    return path;
  }
}
