package io.zferry.service.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.exc.ValueInstantiationException;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.zferry.service.api.auth.Access;
import io.zferry.service.api.auth.Caller;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * Where endpoints are added to the API. Paths are relative to {@code /api/v1}; every route is
 * behind {@link Authentication}, names the roles it admits ({@link Access}: others get 403),
 * answers JSON, and reports failures as an {@link ApiError} (a route throws {@link ApiProblem} for
 * that). Every POST is an action: its outcome goes to the {@link AuditTrail}.
 */
public final class ApiRoutes {
  private final RoutesConfig routes;
  private final ObjectMapper json;
  private final AuditTrail audit;
  private final List<Rule> rules = new ArrayList<>();

  /**
   * A route and who may call it.
   *
   * @param method {@code GET} or {@code POST}
   * @param path the full path, such as {@code /api/v1/status}, with {@code {service}} as a
   *     parameter
   */
  public record Rule(String method, String path, Access access) {}

  ApiRoutes(RoutesConfig routes, ObjectMapper json, AuditTrail audit) {
    this.routes = routes;
    this.json = json;
    this.audit = audit;
  }

  /** Every route added so far, in the order added. */
  public List<Rule> rules() {
    return List.copyOf(rules);
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
  public void getText(String absolutePath, Access access, String contentType, TextHandler handler) {
    String path = rule("GET", checked(absolutePath), access);
    routes.get(
        path,
        ctx ->
            ctx.status(200).contentType(contentType).result(handler.handle(admitted(ctx, access))));
  }

  public void get(String path, Access access, Handler handler) {
    String full = rule("GET", ApiServer.PREFIX + checked(path), access);
    routes.get(full, ctx -> respond(ctx, handler.handle(admitted(ctx, access))));
  }

  /**
   * A POST whose body is read into {@code bodyType} (unknown fields refused) and, if it is a {@link
   * ValidatedBody}, validated, before {@code handler} runs.
   */
  public <B> void post(String path, Access access, Class<B> bodyType, BodyHandler<B> handler) {
    String full = rule("POST", ApiServer.PREFIX + checked(path), access);
    routes.post(
        full,
        ctx -> {
          ApiRequest request = admitted(ctx, access);
          Object result;
          try {
            result = handler.handle(request, body(ctx, bodyType));
          } catch (ApiProblem e) {
            audited(ctx, request, e.status(), e.error());
            throw e;
          } catch (RuntimeException e) {
            audited(ctx, request, 500, "internal error (" + e.getClass().getSimpleName() + ")");
            throw e;
          }
          audited(ctx, request, 200, "done");
          respond(ctx, result);
        });
  }

  private String rule(String method, String path, Access access) {
    Objects.requireNonNull(access, "access");
    rules.add(new Rule(method, path, access));
    return path;
  }

  /**
   * The request, if its caller's role is one {@code access} admits.
   *
   * @throws ApiProblem 403 otherwise
   */
  private static ApiRequest admitted(Context ctx, Access access) {
    ApiRequest request = new ApiRequest(ctx);
    Caller caller = request.caller();
    if (!access.admits(caller.role())) {
      throw new ApiProblem(
          403,
          caller.whoWithRole()
              + " may not call "
              + ctx.method()
              + " "
              + ctx.path()
              + ": it admits only the role(s) "
              + access.text(),
          "use a token or a GUI user with one of those roles (docs/security.md lists every"
              + " endpoint and who may call it)");
    }
    return request;
  }

  /** Refusals are audited where they are answered ({@link ApiServer}); this is for the rest. */
  private void audited(Context ctx, ApiRequest request, int status, String answer) {
    if (status == 401 || status == 403) {
      return;
    }
    audit.record(
        new AuditTrail.Entry(
            request.caller().who(),
            request.remoteAddress(),
            ctx.method().name(),
            ctx.path(),
            Optional.ofNullable(ctx.pathParamMap().get("service")),
            status,
            answer));
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
