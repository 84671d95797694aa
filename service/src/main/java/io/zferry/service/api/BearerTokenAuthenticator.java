package io.zferry.service.api;

import io.javalin.http.Context;
import io.zferry.service.api.auth.ApiToken;
import io.zferry.service.api.auth.ApiTokens;
import io.zferry.service.api.auth.Caller;
import io.zferry.service.api.auth.Role;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Predicate;

/** {@code Authorization: Bearer <token>} with a token of the tokens file. */
public final class BearerTokenAuthenticator implements Authenticator {
  private static final String SCHEME = "Bearer";
  private static final String INVALID = SCHEME + " error=\"invalid_token\"";

  private final ApiTokens tokens;
  private final Predicate<Context> peerProof;

  public BearerTokenAuthenticator(ApiTokens tokens) {
    this(tokens, ctx -> true);
  }

  /**
   * @param peerProof whether a request carries the rest of the peer's credential besides its token:
   *     with a pinned peer certificate, that certificate (see {@link TlsKeyStore#presentedPinned});
   *     a token of the {@link Role#PEER} role without it is refused
   */
  public BearerTokenAuthenticator(ApiTokens tokens, Predicate<Context> peerProof) {
    this.tokens = Objects.requireNonNull(tokens, "tokens");
    this.peerProof = Objects.requireNonNull(peerProof, "peerProof");
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
    Optional<ApiToken> token = tokens.find(presented);
    if (token.isEmpty()) {
      return new Rejected("invalid bearer token", Optional.of(INVALID));
    }
    if (token.get().role() == Role.PEER && !peerProof.test(ctx)) {
      return new Rejected(
          "the peer's token came without the peer's TLS certificate (api.tls.peerCertificate)",
          Optional.of(INVALID));
    }
    ApiToken found = token.get();
    return new Authenticated(new Caller(found.label(), Caller.Method.TOKEN, found.role()));
  }

  @Override
  public Optional<String> challenge() {
    return Optional.of(SCHEME);
  }
}
