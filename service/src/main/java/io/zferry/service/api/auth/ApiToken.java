package io.zferry.service.api.auth;

import io.zferry.service.model.Names;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * One API token, the label of the client that holds it (such as {@code peer}, {@code cli} or {@code
 * prometheus}) and what it may do.
 *
 * @param label which client holds the token; follows {@link Names#RULE}; recorded as "who" of what
 *     the client does
 * @param secret the bearer token: at least {@value #MIN_LENGTH} base64url characters, which is what
 *     {@value #RANDOM_BYTES} random bytes encode to
 * @param role what the holder may call
 */
public record ApiToken(String label, String secret, Role role) {
  public static final int RANDOM_BYTES = 32;
  public static final int MIN_LENGTH = 43;
  // A bound keeps a pasted blob from becoming a "token"; 512 is far above what anyone generates.
  public static final int MAX_LENGTH = 512;
  public static final String SECRET_RULE =
      MIN_LENGTH
          + " to "
          + MAX_LENGTH
          + " base64url characters (A-Z, a-z, 0-9, '-', '_'), such as "
          + RANDOM_BYTES
          + " random bytes encoded";

  private static final Pattern BASE64URL = Pattern.compile("[A-Za-z0-9_-]+");
  private static final Base64.Encoder ENCODER = Base64.getUrlEncoder().withoutPadding();

  /**
   * @throws IllegalArgumentException naming what is wrong; the secret itself is never part of the
   *     message
   */
  public ApiToken {
    Names.require("token label", label);
    if (!isWellFormedSecret(secret)) {
      throw new IllegalArgumentException("the token is not " + SECRET_RULE);
    }
    Objects.requireNonNull(role, "role");
  }

  /** A token with the role its label implies ({@link Role#defaultFor}). */
  public ApiToken(String label, String secret) {
    this(label, secret, Role.defaultFor(label));
  }

  /** A new token of {@value #RANDOM_BYTES} bytes from {@code random}, base64url-encoded. */
  public static ApiToken generate(String label, SecureRandom random) {
    return generate(label, Role.defaultFor(label), random);
  }

  /** A new token of {@value #RANDOM_BYTES} bytes from {@code random} for {@code role}. */
  public static ApiToken generate(String label, Role role, SecureRandom random) {
    Objects.requireNonNull(random, "random");
    byte[] bytes = new byte[RANDOM_BYTES];
    random.nextBytes(bytes);
    return new ApiToken(label, ENCODER.encodeToString(bytes), role);
  }

  static boolean isWellFormedSecret(String secret) {
    return secret != null
        && secret.length() >= MIN_LENGTH
        && secret.length() <= MAX_LENGTH
        && BASE64URL.matcher(secret).matches();
  }

  /** Leaves the secret out, so that logging a token or a list of them does not publish it. */
  @Override
  public String toString() {
    return "ApiToken[label=" + label + ", secret=(hidden), role=" + role.text() + "]";
  }
}
