package io.zferry.service.api.auth;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The API tokens of a cluster: checks a presented bearer token, and picks the token a client of
 * this node sends to the other one.
 */
public final class ApiTokens {
  private final List<ApiToken> tokens;
  private final List<byte[]> digests;

  /**
   * @param tokens at least one; labels and secrets unique
   * @throws IllegalArgumentException if empty or if a label or a secret repeats
   */
  public ApiTokens(List<ApiToken> tokens) {
    this.tokens = List.copyOf(tokens);
    if (this.tokens.isEmpty()) {
      throw new IllegalArgumentException("no API token given");
    }
    Set<String> labels = new HashSet<>();
    Set<String> secrets = new HashSet<>();
    for (ApiToken token : this.tokens) {
      if (!labels.add(token.label())) {
        throw new IllegalArgumentException("the label " + token.label() + " is used twice");
      }
      if (!secrets.add(token.secret())) {
        throw new IllegalArgumentException("a token is given twice (label " + token.label() + ")");
      }
    }
    this.digests = this.tokens.stream().map(t -> sha256(t.secret())).toList();
  }

  /** The labels, in file order. */
  public List<String> labels() {
    return tokens.stream().map(ApiToken::label).toList();
  }

  public int size() {
    return tokens.size();
  }

  /**
   * The label of the token equal to {@code presented}, or empty.
   *
   * <p>Both sides are hashed before comparing, so that the comparison always covers 32 bytes
   * whatever was presented, and every token is compared without stopping at a match: how long the
   * check takes tells nothing about how much of which token was right.
   */
  public Optional<ApiToken> find(String presented) {
    if (presented == null) {
      return Optional.empty();
    }
    byte[] candidate = sha256(presented);
    ApiToken match = null;
    for (int i = 0; i < digests.size(); i++) {
      boolean equal = MessageDigest.isEqual(candidate, digests.get(i));
      if (equal && match == null) {
        match = tokens.get(i);
      }
    }
    return Optional.ofNullable(match);
  }

  /** The label of the token equal to {@code presented}, or empty; see {@link #find}. */
  public Optional<String> labelOf(String presented) {
    return find(presented).map(ApiToken::label);
  }

  /** The token labelled {@code preferredLabel}, else the first one. */
  public ApiToken forClient(String preferredLabel) {
    return tokens.stream()
        .filter(t -> t.label().equals(preferredLabel))
        .findFirst()
        .orElse(tokens.get(0));
  }

  /**
   * The token a client that needs {@code role} sends: the one labelled {@code preferredLabel} if it
   * has that role, else the first with that role.
   */
  public Optional<ApiToken> withRole(String preferredLabel, Role role) {
    List<ApiToken> candidates = tokens.stream().filter(t -> t.role() == role).toList();
    return candidates.stream()
        .filter(t -> t.label().equals(preferredLabel))
        .findFirst()
        .or(() -> candidates.stream().findFirst());
  }

  @Override
  public String toString() {
    return "ApiTokens" + labels();
  }

  private static byte[] sha256(String text) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java runtime provides SHA-256", e);
    }
  }
}
