package io.zferry.gui;

import java.nio.CharBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import org.bouncycastle.crypto.generators.Argon2BytesGenerator;
import org.bouncycastle.crypto.generators.OpenBSDBCrypt;
import org.bouncycastle.crypto.params.Argon2Parameters;

/**
 * GUI password hashes in PHC string format. New hashes are argon2id with OWASP's minimum (19 MiB, 2
 * passes, 1 lane); existing argon2id/argon2i/argon2d and bcrypt ({@code $2a$}, {@code $2b$}, {@code
 * $2y$}) hashes are verified too, so an operator may bring one made by another tool.
 */
public final class PasswordHashes {
  static final int MEMORY_KIB = 19 * 1024;
  static final int ITERATIONS = 2;
  static final int PARALLELISM = 1;
  private static final int SALT_BYTES = 16;
  private static final int HASH_BYTES = 32;
  private static final Base64.Encoder B64 = Base64.getEncoder().withoutPadding();
  private static final Base64.Decoder B64_DECODE = Base64.getDecoder();

  private final SecureRandom random;

  public PasswordHashes(SecureRandom random) {
    this.random = random;
  }

  public PasswordHashes() {
    this(new SecureRandom());
  }

  /** A new argon2id hash of {@code password} with a fresh salt. */
  public String hash(char[] password) {
    if (password.length == 0) {
      throw new IllegalArgumentException("the password is empty; choose a non-empty password");
    }
    byte[] salt = new byte[SALT_BYTES];
    random.nextBytes(salt);
    byte[] hash =
        argon2(
            Argon2Parameters.ARGON2_id,
            Argon2Parameters.ARGON2_VERSION_13,
            MEMORY_KIB,
            ITERATIONS,
            PARALLELISM,
            salt,
            password,
            HASH_BYTES);
    return "$argon2id$v=19$m="
        + MEMORY_KIB
        + ",t="
        + ITERATIONS
        + ",p="
        + PARALLELISM
        + "$"
        + B64.encodeToString(salt)
        + "$"
        + B64.encodeToString(hash);
  }

  /**
   * Whether {@code password} matches {@code phc}. A hash this class cannot read never matches; the
   * configuration check refuses such values before the daemon starts.
   */
  public boolean verify(char[] password, String phc) {
    if (phc == null) {
      return false;
    }
    try {
      if (phc.startsWith("$2a$") || phc.startsWith("$2b$") || phc.startsWith("$2y$")) {
        return OpenBSDBCrypt.checkPassword(phc, password);
      }
      if (phc.startsWith("$argon2")) {
        return verifyArgon2(password, phc);
      }
      return false;
    } catch (RuntimeException e) {
      return false;
    }
  }

  private static boolean verifyArgon2(char[] password, String phc) {
    // $argon2id$v=19$m=19456,t=2,p=1$<salt>$<hash>
    String[] parts = phc.split("\\$");
    if (parts.length != 6) {
      return false;
    }
    int type =
        switch (parts[1]) {
          case "argon2id" -> Argon2Parameters.ARGON2_id;
          case "argon2i" -> Argon2Parameters.ARGON2_i;
          case "argon2d" -> Argon2Parameters.ARGON2_d;
          default -> -1;
        };
    if (type < 0 || !parts[2].startsWith("v=")) {
      return false;
    }
    int version = Integer.parseInt(parts[2].substring(2));
    Map<String, Integer> params = new HashMap<>();
    for (String kv : parts[3].split(",")) {
      String[] pair = kv.split("=", 2);
      if (pair.length != 2) {
        return false;
      }
      params.put(pair[0], Integer.parseInt(pair[1]));
    }
    if (!params.keySet().containsAll(java.util.List.of("m", "t", "p"))) {
      return false;
    }
    byte[] salt = B64_DECODE.decode(parts[4]);
    byte[] expected = B64_DECODE.decode(parts[5]);
    byte[] actual =
        argon2(
            type,
            version,
            params.get("m"),
            params.get("t"),
            params.get("p"),
            salt,
            password,
            expected.length);
    return MessageDigest.isEqual(expected, actual);
  }

  private static byte[] argon2(
      int type,
      int version,
      int memoryKib,
      int iterations,
      int parallelism,
      byte[] salt,
      char[] password,
      int length) {
    Argon2BytesGenerator generator = new Argon2BytesGenerator();
    generator.init(
        new Argon2Parameters.Builder(type)
            .withVersion(version)
            .withMemoryAsKB(memoryKib)
            .withIterations(iterations)
            .withParallelism(parallelism)
            .withSalt(salt)
            .build());
    byte[] bytes = utf8(password);
    byte[] out = new byte[length];
    try {
      generator.generateBytes(bytes, out);
    } finally {
      Arrays.fill(bytes, (byte) 0);
    }
    return out;
  }

  private static byte[] utf8(char[] password) {
    var buffer = StandardCharsets.UTF_8.encode(CharBuffer.wrap(password));
    byte[] bytes = new byte[buffer.remaining()];
    buffer.get(bytes);
    Arrays.fill(buffer.array(), (byte) 0);
    return bytes;
  }
}
