package io.zferry.gui;

import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.javalin.http.HandlerType;
import io.javalin.http.HttpStatus;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The operator's web GUI: the login page, session cookies, the pages (one server-rendered shell
 * each, filled by {@code app.js} from the REST API) and their bundled assets. Everything is served
 * from the jar; nothing is fetched from the internet.
 *
 * <p>The server in front of it asks {@link #access} first: the login page and its assets are
 * public, a page needs a session, and anything else is the API's business (which accepts a session
 * through {@link #session} and checks state-changing requests with {@link #forgeryProblem}).
 */
public final class WebGui {
  public static final String COOKIE = "zferry_session";
  public static final String CSRF_HEADER = "X-CSRF-Token";
  private static final Logger log = LoggerFactory.getLogger(WebGui.class);
  private static final String RESOURCES = "/io/zferry/gui/";

  /** The pages, by path, with their titles. */
  static final Map<String, String> PAGES =
      Map.of(
          "/", "Cluster health",
          "/services", "Services",
          "/snapshots", "Snapshots",
          "/settings", "Settings",
          "/history", "Transfers and history");

  private static final Map<String, String> ASSETS =
      Map.of(
          "app.css", "text/css; charset=utf-8",
          "app.js", "text/javascript; charset=utf-8",
          "favicon.svg", "image/svg+xml");

  private static final Set<HandlerType> SAFE_METHODS =
      Set.of(HandlerType.GET, HandlerType.HEAD, HandlerType.OPTIONS);

  /** What the server does with a request before its route. */
  public enum Access {
    /** The login page, logout and the assets: no session needed. */
    PUBLIC,
    /** A page with a valid session. */
    PAGE,
    /** A page without a session: answered with a redirect to the login page. */
    LOGIN_REDIRECT,
    /** Not the GUI's: the API authenticates it. */
    OTHER
  }

  private final GuiUsers users;
  private final Sessions sessions;
  private final LoginThrottle throttle;
  private final PasswordHashes hashes;
  private final boolean secureCookies;
  private final String shell;
  private final String loginPage;

  /**
   * @param secureCookies adds {@code Secure} to the cookie: set when the server speaks HTTPS
   */
  public WebGui(
      GuiUsers users,
      Sessions sessions,
      LoginThrottle throttle,
      PasswordHashes hashes,
      boolean secureCookies) {
    this.users = Objects.requireNonNull(users, "users");
    this.sessions = Objects.requireNonNull(sessions, "sessions");
    this.throttle = Objects.requireNonNull(throttle, "throttle");
    this.hashes = Objects.requireNonNull(hashes, "hashes");
    this.secureCookies = secureCookies;
    this.shell = text("shell.html");
    this.loginPage = text("login.html");
  }

  public Access access(Context ctx) {
    String path = ctx.path();
    if (path.equals("/login") || path.equals("/logout") || path.startsWith("/static/")) {
      return Access.PUBLIC;
    }
    if (PAGES.containsKey(path) && SAFE_METHODS.contains(ctx.method())) {
      return session(ctx).isPresent() ? Access.PAGE : Access.LOGIN_REDIRECT;
    }
    return Access.OTHER;
  }

  /** Sends the browser to the login page. */
  public static void redirectToLogin(Context ctx) {
    ctx.header("Cache-Control", "no-store");
    ctx.redirect("/login", HttpStatus.SEE_OTHER);
  }

  /** The request's live session, from its cookie. */
  public Optional<Session> session(Context ctx) {
    return sessions.find(ctx.cookie(COOKIE));
  }

  /** True if the request carries a session cookie at all, valid or not. */
  public static boolean hasSessionCookie(Context ctx) {
    return ctx.cookie(COOKIE) != null;
  }

  /**
   * Why a request authenticated by {@code session} must be refused as a possible cross-site
   * forgery, if it must: a state-changing method needs the session's token in {@value #CSRF_HEADER}
   * and, when the browser says where it comes from, the same origin.
   */
  public Optional<String> forgeryProblem(Context ctx, Session session) {
    if (SAFE_METHODS.contains(ctx.method())) {
      return Optional.empty();
    }
    Optional<String> origin = crossOrigin(ctx);
    if (origin.isPresent()) {
      return origin;
    }
    String token = ctx.header(CSRF_HEADER);
    if (token == null) {
      token = ctx.isFormUrlencoded() ? ctx.formParam("csrf") : null;
    }
    if (!Sessions.csrfMatches(session, token)) {
      return Optional.of(
          token == null ? "the CSRF token is missing" : "the CSRF token does not match");
    }
    return Optional.empty();
  }

  /** A request the browser marks as coming from another site or origin. */
  private static Optional<String> crossOrigin(Context ctx) {
    String site = ctx.header("Sec-Fetch-Site");
    if (site != null && !site.equals("same-origin") && !site.equals("none")) {
      return Optional.of("the request comes from another site (Sec-Fetch-Site: " + site + ")");
    }
    String origin = ctx.header("Origin");
    if (origin != null) {
      String own = ctx.scheme() + "://" + ctx.host();
      if (!origin.equalsIgnoreCase(own)) {
        return Optional.of("the request comes from another origin");
      }
    }
    return Optional.empty();
  }

  /** Adds the login, logout, page and asset routes. */
  public void register(RoutesConfig routes) {
    routes.get("/login", this::showLogin);
    routes.post("/login", this::login);
    routes.post("/logout", this::logout);
    routes.get("/static/{asset}", WebGui::asset);
    for (String page : PAGES.keySet()) {
      routes.get(page, this::page);
    }
  }

  private void showLogin(Context ctx) {
    if (session(ctx).isPresent()) {
      ctx.redirect("/", HttpStatus.SEE_OTHER);
      return;
    }
    renderLogin(ctx, 200, "");
  }

  private void renderLogin(Context ctx, int status, String message) {
    String firstRun =
        users.none()
            ? "<div class=\"notice\" id=\"first-run\"><strong>No GUI user is configured on this"
                + " node.</strong> On each node run <code>zferry passwd NAME</code>, add the entry"
                + " it prints under <code>api.users</code> in <code>/etc/zferry/zferry.yaml</code>"
                + " and restart zferryd.</div>"
            : "";
    String error =
        message.isEmpty()
            ? ""
            : "<p class=\"error\" id=\"login-error\">" + escape(message) + "</p>";
    securityHeaders(ctx);
    ctx.status(status)
        .contentType("text/html; charset=utf-8")
        .result(loginPage.replace("{{firstRun}}", firstRun).replace("{{error}}", error));
  }

  private void login(Context ctx) {
    String remote = ctx.req().getRemoteAddr();
    Optional<String> cross = crossOrigin(ctx);
    if (cross.isPresent()) {
      log.warn("GUI login refused from {}: {}", remote, cross.get());
      renderLogin(ctx, 403, "Refused: " + cross.get() + ".");
      return;
    }
    Optional<Duration> blocked = throttle.blockedFor(remote);
    if (blocked.isPresent()) {
      log.warn("GUI login refused from {}: too many failed attempts", remote);
      renderLogin(
          ctx,
          429,
          "Too many failed logins from "
              + remote
              + ". Wait "
              + Math.max(1, blocked.get().toSeconds())
              + " s and try again.");
      return;
    }
    String name = Optional.ofNullable(ctx.formParam("username")).orElse("").strip();
    String password = Optional.ofNullable(ctx.formParam("password")).orElse("");
    Optional<String> hash = name.isEmpty() ? Optional.empty() : users.passwordHash(name);
    char[] chars = password.toCharArray();
    boolean ok = hash.isPresent() && hashes.verify(chars, hash.get());
    java.util.Arrays.fill(chars, '\0');
    if (!ok) {
      log.warn(
          "GUI login failed for user '{}' from {}: {}",
          printable(name),
          remote,
          hash.isPresent() ? "wrong password" : "no such user");
      if (throttle.recordFailure(remote)) {
        log.warn("GUI: blocking logins from {} after repeated failures", remote);
      }
      renderLogin(ctx, 401, "Wrong user name or password.");
      return;
    }
    Session session = sessions.create(name);
    log.info("GUI login of user '{}' from {}", printable(name), remote);
    ctx.header("Set-Cookie", cookie(session.id(), false));
    ctx.redirect("/", HttpStatus.SEE_OTHER);
  }

  private void logout(Context ctx) {
    Optional<Session> session = session(ctx);
    if (session.isPresent()) {
      Optional<String> problem = forgeryProblem(ctx, session.get());
      if (problem.isPresent()) {
        ctx.status(403).contentType("text/plain; charset=utf-8").result(problem.get());
        return;
      }
      sessions.remove(session.get().id());
      log.info("GUI logout of user '{}'", printable(session.get().user()));
    }
    ctx.header("Set-Cookie", cookie("", true));
    ctx.redirect("/login", HttpStatus.SEE_OTHER);
  }

  private void page(Context ctx) {
    Session session = session(ctx).orElseThrow();
    String path = ctx.path();
    String name = path.equals("/") ? "health" : path.substring(1);
    securityHeaders(ctx);
    ctx.contentType("text/html; charset=utf-8")
        .result(
            shell
                .replace("{{title}}", PAGES.get(path))
                .replace("{{page}}", name)
                .replace("{{user}}", escape(session.user()))
                .replace("{{csrf}}", session.csrfToken())
                .replace("{{nav-" + name + "}}", " aria-current=\"page\"")
                .replaceAll("\\{\\{nav-[a-z]+}}", ""));
  }

  private static void asset(Context ctx) {
    String name = ctx.pathParam("asset");
    String type = ASSETS.get(name);
    if (type == null) {
      ctx.status(404).contentType("text/plain; charset=utf-8").result("no such asset");
      return;
    }
    ctx.header("Cache-Control", "no-cache");
    ctx.header("X-Content-Type-Options", "nosniff");
    ctx.contentType(type).result(bytes("static/" + name));
  }

  private String cookie(String value, boolean expire) {
    return COOKIE
        + "="
        + value
        + "; Path=/; HttpOnly; SameSite=Strict"
        + (secureCookies ? "; Secure" : "")
        + (expire ? "; Max-Age=0" : "");
  }

  private static void securityHeaders(Context ctx) {
    ctx.header("Cache-Control", "no-store");
    ctx.header("X-Content-Type-Options", "nosniff");
    ctx.header("Referrer-Policy", "same-origin");
    ctx.header("X-Frame-Options", "DENY");
    ctx.header(
        "Content-Security-Policy",
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:;"
            + " connect-src 'self'; frame-ancestors 'none'; form-action 'self'; base-uri 'none'");
  }

  static String escape(String text) {
    StringBuilder out = new StringBuilder(text.length());
    for (char c : text.toCharArray()) {
      switch (c) {
        case '<' -> out.append("&lt;");
        case '>' -> out.append("&gt;");
        case '&' -> out.append("&amp;");
        case '"' -> out.append("&quot;");
        case '\'' -> out.append("&#39;");
        default -> out.append(c);
      }
    }
    return out.toString();
  }

  /** A user name as typed, safe for one log line. */
  private static String printable(String name) {
    String cut = name.length() > 64 ? name.substring(0, 64) + "..." : name;
    return cut.replaceAll("[^\\x20-\\x7e]", "?");
  }

  private static String text(String name) {
    return new String(bytes(name), StandardCharsets.UTF_8);
  }

  private static byte[] bytes(String name) {
    try (InputStream in = WebGui.class.getResourceAsStream(RESOURCES + name)) {
      if (in == null) {
        throw new IllegalStateException("GUI resource " + name + " is missing from the jar");
      }
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
