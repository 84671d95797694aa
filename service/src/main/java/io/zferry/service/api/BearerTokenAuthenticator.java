package io.zferry.service.api;

import io.javalin.http.Context;
import io.zferry.service.api.auth.ApiTokens;
import io.zferry.service.api.auth.Caller;
import java.util.Objects;
import java.util.Optional;

/** {@code Authorization: Bearer <token>} with a token of the tokens file. */
public final class BearerTokenAuthenticator implements Authenticator {
  private static final String SCHEME = "Bearer";
  private static final String INVALID = SCHEME + " error=\"invalid_token\"";

  private final ApiTokens tokens;

  public BearerTokenAuthenticator(ApiTokens tokens) {
    this.tokens = Objects.requireNonNull(tokens, "tokens");
  }

  @Override
  public Outcome authenticate(Context ctx) {
    String header = ctx.header("Authorization");
    if (header == null || header.isBlank()) {
      return new Absent();
    }
    String value = header.strip();
    // The scheme is case-insensitive (RFC 7235); the token is not.
    if (value.length() <= SCHEME.length()
        || !value.regionMatches(true, 0, SCHEME, 0, SCHEME.length())
        || !Character.isWhitespace(value.charAt(SCHEME.length()))) {
      return new Rejected("the Authorization header is not a bearer token", Optional.of(SCHEME));
    }
    String presented = value.substring(SCHEME.length()).strip();
    return tokens
        .find(presented)
        .<Outcome>map(
            token ->
                new Authenticated(new Caller(token.label(), Caller.Method.TOKEN, token.role())))
        .orElseGet(() -> new Rejected("invalid bearer token", Optional.of(INVALID)));
  }

  @Override
  public Optional<String> challenge() {
    return Optional.of(SCHEME);
  }
}
