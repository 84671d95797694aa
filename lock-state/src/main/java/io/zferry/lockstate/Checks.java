package io.zferry.lockstate;

import java.util.Objects;
import java.util.Optional;

/**
 * Validations of the plain strings at this module's API. The rules are deliberately looser than the
 * service's domain grammar: the store must accept every name the daemon accepts, and it only has to
 * refuse what would make a stored row or a log line ambiguous.
 */
final class Checks {
  static final int MAX_NAME_LENGTH = 255;
  static final int MAX_LABEL_LENGTH = StateStore.MAX_LABEL_LENGTH;

  private Checks() {}

  /** A node or service name: no whitespace or control characters, at most 255 characters. */
  static String name(String what, String value) {
    if (value == null || value.isEmpty()) {
      throw new IllegalArgumentException(what + " is missing; give a non-empty name");
    }
    if (value.length() > MAX_NAME_LENGTH) {
      throw new IllegalArgumentException(
          what
              + " "
              + printable(value)
              + " is "
              + value.length()
              + " characters long; the limit is "
              + MAX_NAME_LENGTH);
    }
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (Character.isWhitespace(c) || Character.isISOControl(c)) {
        throw new IllegalArgumentException(
            what + " " + printable(value) + " contains whitespace or a control character");
      }
    }
    return value;
  }

  /** A one-line free text (actor, reason, snapshot name): not blank, no control characters. */
  static String label(String what, String value) {
    if (value == null || value.isBlank()) {
      throw new IllegalArgumentException(what + " is missing; give a non-blank text");
    }
    if (value.length() > MAX_LABEL_LENGTH) {
      throw new IllegalArgumentException(
          what
              + " "
              + printable(value)
              + " is "
              + value.length()
              + " characters long; the limit is "
              + MAX_LABEL_LENGTH);
    }
    for (int i = 0; i < value.length(); i++) {
      if (Character.isISOControl(value.charAt(i))) {
        throw new IllegalArgumentException(
            what + " " + printable(value) + " contains a control character; keep it on one line");
      }
    }
    return value;
  }

  /** Free text that may span lines (messages, stderr); only its presence is required. */
  static String text(String what, String value) {
    return Objects.requireNonNull(value, what);
  }

  /**
   * A ZFS GUID in its canonical unsigned decimal form. Canonical so that two spellings of one GUID
   * ("007", "7") can never compare unequal in SQL.
   */
  static String guid(String what, String value) {
    if (value == null) {
      throw new IllegalArgumentException(what + " is missing; give the GUID in decimal");
    }
    try {
      if (Long.toUnsignedString(Long.parseUnsignedLong(value)).equals(value)) {
        return value;
      }
    } catch (NumberFormatException e) {
      // falls through to the message below, which says what is accepted
    }
    throw new IllegalArgumentException(
        what
            + " "
            + printable(value)
            + " is not a ZFS GUID; give it as an unsigned 64-bit decimal number without sign or"
            + " leading zeros");
  }

  static <T> Optional<T> present(String what, Optional<T> value) {
    return Objects.requireNonNull(value, what + " (use Optional.empty() when absent)");
  }

  /** Renders a value so that control characters cannot forge a log line. */
  static String printable(String value) {
    if (value == null) {
      return "(null)";
    }
    StringBuilder out = new StringBuilder("'");
    int limit = Math.min(value.length(), 80);
    for (int i = 0; i < limit; i++) {
      char c = value.charAt(i);
      if (Character.isISOControl(c)) {
        out.append(String.format("\\u%04x", (int) c));
      } else {
        out.append(c);
      }
    }
    if (value.length() > limit) {
      out.append("...");
    }
    return out.append('\'').toString();
  }
}
