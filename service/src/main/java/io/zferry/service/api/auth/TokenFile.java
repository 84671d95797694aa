package io.zferry.service.api.auth;

import io.zferry.service.config.FileModes;
import io.zferry.service.config.PrivateFiles;
import io.zferry.service.model.Names;
import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The API tokens file ({@code api.tokensFile}): one token per line as {@code <label> <token>
 * <role>}, separated by spaces or tabs; lines starting with {@code #} and blank lines are ignored.
 * A line without a role (a file written before roles existed) gets {@link Role#defaultFor} its
 * label: {@code peer} the peer role, {@code cli} operator, {@code prometheus} metrics, any other
 * label viewer. Both nodes hold the same file; its mode must be 0600 or 0400, since anyone who can
 * read it can act as the tokens it holds.
 *
 * <p>No message of this class contains a token or any other part of a line of the file: an operator
 * who mistyped a line must not find its secret in the journal.
 */
public final class TokenFile {
  public static final String FORMAT =
      "one token per line: <label> <token> <role>, the role one of "
          + Role.NAMES
          + "; '#' starts a comment line";
  public static final String DEFAULT_LABEL = "cli";

  /** The label of the token a node sends to its peer, if the file has one with that role. */
  public static final String PEER_LABEL = "peer";

  static final Set<PosixFilePermission> OWNER_READ_WRITE =
      EnumSet.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE);
  static final Set<PosixFilePermission> OWNER_READ = EnumSet.of(PosixFilePermission.OWNER_READ);

  private static final Pattern FIELDS = Pattern.compile("[ \t]+");
  private static final String HEADER =
      String.join(
          "\n",
          "# zferry API tokens: " + FORMAT + ".",
          "# Both nodes hold the same file, mode 0600. zferryd reads it when it starts.",
          "# Add a token with: zferry token new [--file FILE] [--role ROLE] LABEL",
          "");

  private TokenFile() {}

  /** What {@link #add} did. */
  public record Added(ApiToken token, boolean created) {}

  /**
   * Reads and checks a tokens file: it must exist, have mode 0600 or 0400, be readable, and hold at
   * least one well-formed token.
   */
  public static ApiTokens read(Path file) throws TokenFileException {
    checkMode(file, attributes(file).permissions());
    List<String> lines;
    try {
      lines = Files.readAllLines(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw cannotRead(file, e);
    }
    return parse(file, lines);
  }

  /** Checks the lines of a tokens file; {@code file} only names it in messages. */
  static ApiTokens parse(Path file, List<String> lines) throws TokenFileException {
    List<ApiToken> tokens = new ArrayList<>();
    Map<String, Integer> labelLines = new HashMap<>();
    Map<String, Integer> secretLines = new HashMap<>();
    for (int i = 0; i < lines.size(); i++) {
      int number = i + 1;
      String line = lines.get(i).strip();
      if (line.isEmpty() || line.startsWith("#")) {
        continue;
      }
      String[] fields = FIELDS.split(line);
      if (fields.length != 2 && fields.length != 3) {
        throw invalid(
            file,
            "line "
                + number
                + ": expected '<label> <token> <role>', found "
                + fieldCount(fields.length),
            "write " + FORMAT);
      }
      String label = fields[0];
      String secret = fields[1];
      try {
        Names.require("token label", label);
      } catch (IllegalArgumentException e) {
        throw invalid(
            file,
            "line " + number + ": the label is not valid",
            "use a label of " + Names.RULE + ", such as peer or cli");
      }
      if (!ApiToken.isWellFormedSecret(secret)) {
        throw invalid(
            file,
            "line " + number + ": the token of " + label + " is not " + ApiToken.SECRET_RULE,
            "replace the line with one from `zferry token new " + label + "`");
      }
      Integer sameLabel = labelLines.putIfAbsent(label, number);
      if (sameLabel != null) {
        throw invalid(
            file,
            "line " + number + ": the label " + label + " is already used on line " + sameLabel,
            "give each client its own label, such as " + label + "-2");
      }
      Integer sameSecret = secretLines.putIfAbsent(secret, number);
      if (sameSecret != null) {
        throw invalid(
            file,
            "line " + number + ": the token is the same as on line " + sameSecret,
            "give each client its own token: replace the line with one from `zferry token new "
                + label
                + "`");
      }
      Role role = Role.defaultFor(label);
      if (fields.length == 3) {
        role =
            Role.parse(fields[2])
                .orElseThrow(
                    () ->
                        invalid(
                            file,
                            "line "
                                + number
                                + ": the role of "
                                + label
                                + " is not one of "
                                + Role.NAMES,
                            "write the role in lower case, such as operator"));
      }
      tokens.add(new ApiToken(label, secret, role));
    }
    if (tokens.isEmpty()) {
      throw invalid(
          file,
          "the file holds no token",
          "add one with `zferry token new --file " + file + " peer` (" + FORMAT + ")");
    }
    return new ApiTokens(tokens);
  }

  /**
   * Reads the tokens file as zferryd needs it: {@link #read}, and a token with the {@link
   * Role#PEER} role to call the other node with, since the internal endpoints admit no other.
   */
  public static ApiTokens readForDaemon(Path file) throws TokenFileException {
    ApiTokens tokens = read(file);
    if (tokens.withRole(PEER_LABEL, Role.PEER).isEmpty()) {
      throw invalid(
          file,
          "no token has the role peer, so neither node could call the other's internal endpoints",
          "add one with `zferry token new --file "
              + file
              + " peer` on one node and copy the file to the other (mode 0600)");
    }
    return tokens;
  }

  /**
   * Adds a new random token labelled {@code label}, creating the file if needed. The file is
   * written whole to a temporary file created with mode 0600 in the same directory and then renamed
   * over the old one, so that it is never readable by others, even for a moment, and a reader sees
   * either the old or the new file, never half of it.
   *
   * @throws TokenFileException if the existing file is not a valid tokens file, or already has
   *     {@code label}
   * @throws IOException if the new file cannot be written
   */
  public static Added add(Path file, String label, SecureRandom random)
      throws TokenFileException, IOException {
    return add(file, label, Role.defaultFor(label), random);
  }

  /** {@link #add(Path, String, SecureRandom)} with a token of {@code role}. */
  public static Added add(Path file, String label, Role role, SecureRandom random)
      throws TokenFileException, IOException {
    ApiToken token = ApiToken.generate(label, role, random);
    Path target = file.toAbsolutePath();
    String content;
    Set<PosixFilePermission> mode = OWNER_READ_WRITE;
    boolean created = !Files.exists(target, java.nio.file.LinkOption.NOFOLLOW_LINKS);
    if (created) {
      Path dir = target.getParent();
      if (dir == null || !Files.isDirectory(dir)) {
        throw new NoSuchFileException(
            String.valueOf(dir), null, "the directory does not exist; create it first");
      }
      content = HEADER;
    } else {
      // Replace the file a symlink points to, not the symlink.
      target = target.toRealPath();
      ApiTokens existing = read(target);
      if (existing.labels().contains(label)) {
        throw invalid(
            target,
            "it already has a token labelled " + label,
            "choose another label, such as " + label + "-2, or remove that line first");
      }
      mode = attributes(target).permissions();
      content = Files.readString(target, StandardCharsets.UTF_8);
      if (!content.isEmpty() && !content.endsWith("\n")) {
        content += "\n";
      }
    }
    content += token.label() + " " + token.secret() + " " + token.role().text() + "\n";
    PrivateFiles.writeAtomically(target, content, mode);
    return new Added(token, created);
  }

  private static PosixFileAttributes attributes(Path file) throws TokenFileException {
    PosixFileAttributes attributes;
    try {
      attributes = Files.readAttributes(file, PosixFileAttributes.class);
    } catch (UnsupportedOperationException e) {
      throw new TokenFileException(
          file,
          TokenFileException.Reason.UNREADABLE,
          "the file system has no Unix permissions, so the file cannot be kept private",
          "keep the file on a local Linux file system");
    } catch (IOException e) {
      throw cannotRead(file, e);
    }
    if (!attributes.isRegularFile()) {
      throw new TokenFileException(
          file,
          TokenFileException.Reason.UNREADABLE,
          "not a regular file",
          "point api.tokensFile at the tokens file itself (" + FORMAT + ")");
    }
    return attributes;
  }

  static void checkMode(Path file, Set<PosixFilePermission> permissions) throws TokenFileException {
    if (permissions.equals(OWNER_READ_WRITE) || permissions.equals(OWNER_READ)) {
      return;
    }
    String mode = octal(permissions);
    boolean shared = FileModes.othersHaveAccess(permissions);
    throw new TokenFileException(
        file,
        TokenFileException.Reason.BAD_MODE,
        shared
            ? "the file is readable or writable by group or others (mode "
                + mode
                + "); anyone who can read it can operate the cluster"
            : "the file has mode " + mode + "; it must be 0600 or 0400",
        "run `chmod 600 " + file + "`" + (shared ? ", then replace the tokens it holds" : ""));
  }

  /** Turns an exception of reading {@code file} into the problem and fix to report. */
  static TokenFileException cannotRead(Path file, IOException e) {
    if (e instanceof NoSuchFileException) {
      return new TokenFileException(
          file,
          TokenFileException.Reason.MISSING,
          "the API tokens file does not exist",
          "create it with `zferry token new --file "
              + file
              + " peer` and copy it to the other node (mode 0600)");
    }
    if (e instanceof AccessDeniedException) {
      return new TokenFileException(
          file,
          TokenFileException.Reason.UNREADABLE,
          "Permission denied",
          "make it readable by the user zferryd runs as (root), mode 0600");
    }
    if (e instanceof CharacterCodingException) {
      return invalid(file, "the file is not UTF-8 text", "write " + FORMAT);
    }
    return new TokenFileException(
        file,
        TokenFileException.Reason.UNREADABLE,
        "cannot be read (" + e.getClass().getSimpleName() + ")",
        "check the path and the disk");
  }

  static String octal(Set<PosixFilePermission> permissions) {
    int bits = 0;
    for (PosixFilePermission p : permissions) {
      bits |= 1 << (8 - p.ordinal());
    }
    return String.format("0%03o", bits);
  }

  private static String fieldCount(int n) {
    return n == 1 ? "1 field" : n + " fields";
  }

  private static TokenFileException invalid(Path file, String problem, String fix) {
    return new TokenFileException(file, TokenFileException.Reason.INVALID, problem, fix);
  }
}
