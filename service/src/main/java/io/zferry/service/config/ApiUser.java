package io.zferry.service.config;

import io.zferry.service.api.auth.Role;
import io.zferry.snapshot.zfs.ZfsNames;
import java.util.List;
import java.util.regex.Pattern;

/**
 * A person allowed to log in to the GUI.
 *
 * @param name the login name
 * @param passwordHash the password's hash in PHC string format ({@code $algorithm$...}, which also
 *     covers bcrypt's {@code $2b$...}); never the password itself
 * @param role {@link Role#VIEWER} or {@link Role#OPERATOR}: a person is never the peer or a scraper
 */
public record ApiUser(String name, String passwordHash, Role role) {
  /** The roles a GUI user may have. */
  public static final List<Role> ROLES = List.of(Role.VIEWER, Role.OPERATOR);

  static final String NAME_RULE =
      "1 to 64 letters, digits, '_', '.', '@' or '-', starting with a letter or a digit";
  static final String HASH_FIX =
      "store the hash that `zferry passwd NAME` prints ($argon2id$v=19$...), or a bcrypt hash"
          + " ($2b$12$...); never the password itself";

  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.@-]{0,63}");
  private static final Pattern PHC =
      Pattern.compile("\\$(argon2id|argon2i|argon2d|2a|2b|2y)\\$[A-Za-z0-9$./+=,-]+");

  public ApiUser {
    requireName("name", name);
    requirePasswordHash("passwordHash", passwordHash);
    if (!ROLES.contains(role)) {
      throw new ConfigValueException(
          "role",
          (role == null ? "no role" : "the role " + role.text()) + " is not a GUI user's role",
          "use viewer or operator");
    }
  }

  /** A user with the least role, {@link Role#VIEWER}. */
  public ApiUser(String name, String passwordHash) {
    this(name, passwordHash, Role.VIEWER);
  }

  static String requireName(String key, String name) {
    if (name == null || !NAME.matcher(name).matches()) {
      throw new ConfigValueException(
          key, ZfsNames.printable(name) + " is not a valid user name", "use " + NAME_RULE);
    }
    return name;
  }

  /**
   * Returns the hash if it has the PHC shape. The value is not echoed in the message: if an
   * operator pasted a password by mistake, it must not end up in the journal.
   */
  static String requirePasswordHash(String key, String hash) {
    if (hash == null || !PHC.matcher(hash).matches()) {
      throw new ConfigValueException(key, "the value is not a password hash", HASH_FIX);
    }
    return hash;
  }

  /** Leaves the hash out, so that logging a configuration does not publish it. */
  @Override
  public String toString() {
    return "ApiUser[name=" + name + ", passwordHash=(hidden), role=" + role.text() + "]";
  }
}
