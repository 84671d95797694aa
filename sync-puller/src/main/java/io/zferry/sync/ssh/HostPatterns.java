package io.zferry.sync.ssh;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.Locale;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The host field of a known_hosts line, matched as OpenSSH does (sshd(8), "SSH_KNOWN_HOSTS FILE
 * FORMAT"; match.c): a comma list of patterns with {@code *} and {@code ?} wildcards, compared
 * case-insensitively; a pattern preceded by {@code !} vetoes the line for hosts it matches but
 * never matches on its own; {@code [host]:port} is literal text; a hashed field {@code
 * |1|salt|hash} holds HMAC-SHA1(salt, host) and stands alone.
 *
 * <p>sshj's own {@code KnownHostMatchers} is not used: it treats {@code !pattern} as "every other
 * host" (so {@code !evil} would pin a key for all hosts) and shares one MAC instance across
 * threads.
 */
final class HostPatterns {
  private HostPatterns() {}

  /** Whether {@code host} (a lower-cased name or {@code [address]:port}) matches the field. */
  static boolean matches(String field, String host) {
    String name = host.toLowerCase(Locale.ROOT);
    if (field.startsWith("|")) {
      return hashedMatches(field, name);
    }
    boolean matched = false;
    for (String item : field.split(",", -1)) {
      boolean negated = item.startsWith("!");
      String pattern = (negated ? item.substring(1) : item).toLowerCase(Locale.ROOT);
      if (pattern.isEmpty() || !glob(pattern, name)) {
        continue;
      }
      if (negated) {
        return false;
      }
      matched = true;
    }
    return matched;
  }

  /** {@code |1|base64(salt)|base64(HMAC-SHA1(salt, host))}; other hash versions never match. */
  static boolean hashedMatches(String field, String host) {
    String[] parts = field.split("\\|", -1);
    if (parts.length != 4 || !parts[0].isEmpty() || !parts[1].equals("1")) {
      return false;
    }
    try {
      byte[] salt = Base64.getDecoder().decode(parts[2]);
      byte[] expected = Base64.getDecoder().decode(parts[3]);
      return MessageDigest.isEqual(expected, hmacSha1(salt, host));
    } catch (IllegalArgumentException badBase64) {
      return false;
    }
  }

  /** The hashed form of a host name with the given salt, as {@code ssh-keygen -H} writes it. */
  static String hash(String host, byte[] salt) {
    Base64.Encoder b64 = Base64.getEncoder();
    return "|1|"
        + b64.encodeToString(salt)
        + "|"
        + b64.encodeToString(hmacSha1(salt, host.toLowerCase(Locale.ROOT)));
  }

  private static byte[] hmacSha1(byte[] salt, String host) {
    try {
      Mac mac = Mac.getInstance("HmacSHA1");
      mac.init(new SecretKeySpec(salt, "HmacSHA1"));
      return mac.doFinal(host.getBytes(StandardCharsets.UTF_8));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("every JDK has HmacSHA1", e);
    }
  }

  /** Shell-style wildcard match of the whole text: {@code *} any run, {@code ?} one character. */
  static boolean glob(String pattern, String text) {
    int p = 0;
    int t = 0;
    int starP = -1;
    int starT = -1;
    while (t < text.length()) {
      if (p < pattern.length()
          && (pattern.charAt(p) == '?' || pattern.charAt(p) == text.charAt(t))) {
        p++;
        t++;
      } else if (p < pattern.length() && pattern.charAt(p) == '*') {
        starP = p++;
        starT = t;
      } else if (starP >= 0) {
        p = starP + 1;
        t = ++starT;
      } else {
        return false;
      }
    }
    while (p < pattern.length() && pattern.charAt(p) == '*') {
      p++;
    }
    return p == pattern.length();
  }
}
