package io.zferry.service.api.auth;

import static io.zferry.service.testing.TokenFiles.mode;
import static io.zferry.service.testing.TokenFiles.write;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.zferry.service.api.auth.TokenFileException.Reason;
import io.zferry.service.testing.TokenFiles;
import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class TokenFileTest {
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final String PEER = ApiToken.generate("peer", RANDOM).secret();
  private static final String CLI = ApiToken.generate("cli", RANDOM).secret();
  private static final String THIRD = ApiToken.generate("third", RANDOM).secret();

  @TempDir Path dir;

  @Test
  void readsLabelsAndTokensSkippingCommentsAndBlankLines() throws Exception {
    Path file =
        write(
            dir.resolve("api-tokens"),
            "# zferry API tokens\n\n   \npeer " + PEER + "\r\n\t# indented comment\ncli\t \t" + CLI,
            "rw-------");

    ApiTokens tokens = TokenFile.read(file);

    assertThat(tokens.labels()).containsExactly("peer", "cli");
    assertThat(tokens.labelOf(PEER)).contains("peer");
    assertThat(tokens.labelOf(CLI)).contains("cli");
  }

  @Test
  void readOnlyForTheOwnerIsAccepted() throws Exception {
    Path file = write(dir.resolve("api-tokens"), "cli " + CLI + "\n", "r--------");
    assertThat(TokenFile.read(file).labels()).containsExactly("cli");
  }

  @Test
  void aMissingFileIsNamedWithHowToCreateIt() {
    Path file = dir.resolve("api-tokens");
    assertThatThrownBy(() -> TokenFile.read(file))
        .isInstanceOf(TokenFileException.class)
        .hasMessageStartingWith(file + ": ")
        .hasMessageContaining("does not exist")
        .hasMessageContaining("zferry token new --file " + file)
        .extracting(e -> ((TokenFileException) e).reason())
        .isEqualTo(Reason.MISSING);
  }

  @ParameterizedTest
  @ValueSource(strings = {"rw-r--r--", "rw-r-----", "rw----r--", "rw--w----", "rw-----w-"})
  void aFileGroupOrOthersCanReadOrWriteIsRefusedWithChmod(String permissions) throws Exception {
    Path file = write(dir.resolve("api-tokens"), "cli " + CLI + "\n", permissions);
    TokenFileException e = refused(file);
    assertThat(e.reason()).isEqualTo(Reason.BAD_MODE);
    assertThat(e.getMessage())
        .contains("readable or writable by group or others")
        .contains("chmod 600 " + file);
  }

  @ParameterizedTest
  @ValueSource(strings = {"rwx------", "-w-------", "---------"})
  void anyOtherModeThan0600Or0400IsRefused(String permissions) throws Exception {
    Path file = write(dir.resolve("api-tokens"), "cli " + CLI + "\n", permissions);
    TokenFileException e = refused(file);
    assertThat(e.reason()).isEqualTo(Reason.BAD_MODE);
    assertThat(e.getMessage()).contains("must be 0600 or 0400").contains("chmod 600 " + file);
  }

  @Test
  void theModeIsShownInOctal() throws Exception {
    Path file = write(dir.resolve("api-tokens"), "cli " + CLI + "\n", "rw-r--r--");
    assertThat(refused(file).problem()).contains("mode 0644");
  }

  @Test
  void aFileThatHoldsNoTokenIsRefused() throws Exception {
    Path file = write(dir.resolve("api-tokens"), "# nothing yet\n\n", "rw-------");
    TokenFileException e = refused(file);
    assertThat(e.reason()).isEqualTo(Reason.INVALID);
    assertThat(e.getMessage()).contains("holds no token").contains("zferry token new");
  }

  @Test
  void aMalformedLineIsNamedByNumberWithoutShowingTheToken() throws Exception {
    List<String> badLines =
        List.of(
            PEER, // the label forgotten
            "cli " + CLI + " extra",
            "cli " + CLI.substring(0, 40), // too short
            "cli " + CLI.substring(0, 42) + "+", // not base64url
            "-cli " + CLI, // label
            "cli:" + CLI);
    for (String bad : badLines) {
      Path file =
          write(
              dir.resolve("api-tokens"), "# tokens\npeer " + PEER + "\n" + bad + "\n", "rw-------");
      TokenFileException e = refused(file);
      assertThat(e.reason()).isEqualTo(Reason.INVALID);
      assertThat(e.getMessage())
          .as("for a line like %.8s...", bad)
          .contains("line 3")
          .doesNotContain(PEER)
          .doesNotContain(CLI.substring(0, 40));
    }
  }

  @Test
  void aLabelOrATokenGivenTwiceIsRefused() throws Exception {
    Path file =
        write(dir.resolve("api-tokens"), "cli " + CLI + "\ncli " + PEER + "\n", "rw-------");
    assertThat(refused(file).getMessage())
        .contains("line 2")
        .contains("already used on line 1")
        .doesNotContain(PEER);

    write(file, "cli " + CLI + "\ngui " + CLI + "\n", "rw-------");
    assertThat(refused(file).getMessage())
        .contains("line 2")
        .contains("same as on line 1")
        .doesNotContain(CLI);
  }

  @Test
  void aDirectoryIsNotATokensFile() throws Exception {
    Path sub = Files.createDirectory(dir.resolve("api-tokens"));
    assertThat(refused(sub).reason()).isEqualTo(Reason.UNREADABLE);
  }

  @Test
  void aFileThisUserMayNotReadIsReportedAsPermissionDenied() throws Exception {
    TokenFileException e =
        TokenFile.cannotRead(
            Path.of("/etc/zferry/api-tokens"), new AccessDeniedException("/etc/zferry/api-tokens"));
    assertThat(e.reason()).isEqualTo(Reason.UNREADABLE);
    assertThat(e.getMessage()).startsWith("/etc/zferry/api-tokens: Permission denied");
  }

  @Test
  void aFileInADirectoryThisUserMayNotEnterIsUnreadable() throws Exception {
    Assumptions.assumeFalse(TokenFiles.runningAsRoot(), "root reads any file");
    Path locked = Files.createDirectory(dir.resolve("locked"));
    Path file = write(locked.resolve("api-tokens"), "cli " + CLI + "\n", "rw-------");
    Files.setPosixFilePermissions(
        locked, java.nio.file.attribute.PosixFilePermissions.fromString("---------"));
    try {
      assertThat(refused(file).reason()).isEqualTo(Reason.UNREADABLE);
    } finally {
      Files.setPosixFilePermissions(
          locked, java.nio.file.attribute.PosixFilePermissions.fromString("rwx------"));
    }
  }

  @Test
  void addingToAMissingFileCreatesItWithMode0600() throws Exception {
    Path file = dir.resolve("api-tokens");

    TokenFile.Added added = TokenFile.add(file, "peer", RANDOM);

    assertThat(added.created()).isTrue();
    assertThat(added.token().label()).isEqualTo("peer");
    assertThat(mode(file)).isEqualTo("rw-------");
    assertThat(Files.readString(file)).startsWith("# zferry API tokens").endsWith("\n");
    assertThat(TokenFile.read(file).labelOf(added.token().secret())).contains("peer");
    assertThat(dir).isDirectoryNotContaining("glob:**.tmp");
  }

  @Test
  void addingAppendsAndKeepsWhatIsThere() throws Exception {
    Path file = write(dir.resolve("api-tokens"), "# mine\npeer " + PEER, "rw-------");

    TokenFile.Added added = TokenFile.add(file, "gui", RANDOM);

    assertThat(added.created()).isFalse();
    assertThat(Files.readString(file))
        .isEqualTo("# mine\npeer " + PEER + "\ngui " + added.token().secret() + " viewer\n");
    assertThat(mode(file)).isEqualTo("rw-------");
    assertThat(TokenFile.read(file).labels()).containsExactly("peer", "gui");
    assertThat(dir).isDirectoryNotContaining("glob:**.tmp");
  }

  @Test
  void aLineWithoutARoleGetsTheLeastRoleItsLabelNeedsAndAThirdFieldSetsIt() throws Exception {
    Path file =
        write(
            dir.resolve("api-tokens"),
            "peer " + PEER + "\ncli " + CLI + "\nprometheus " + THIRD + "\n",
            "rw-------");
    ApiTokens tokens = TokenFile.read(file);
    assertThat(tokens.find(PEER).orElseThrow().role()).isEqualTo(Role.PEER);
    assertThat(tokens.find(CLI).orElseThrow().role()).isEqualTo(Role.OPERATOR);
    assertThat(tokens.find(THIRD).orElseThrow().role()).isEqualTo(Role.METRICS);

    write(file, "peer " + PEER + "\ndashboard " + CLI + "\n", "rw-------");
    assertThat(TokenFile.read(file).find(CLI).orElseThrow().role()).isEqualTo(Role.VIEWER);

    write(file, "peer " + PEER + " peer\nnagios " + CLI + "\toperator\n", "rw-------");
    assertThat(TokenFile.read(file).find(CLI).orElseThrow().role()).isEqualTo(Role.OPERATOR);
  }

  @Test
  void anUnknownRoleIsRefusedByLineWithoutTheToken() throws Exception {
    Path file = write(dir.resolve("api-tokens"), "peer " + PEER + " admin\n", "rw-------");

    assertThatThrownBy(() -> TokenFile.read(file))
        .isInstanceOf(TokenFileException.class)
        .hasMessageContaining(
            "line 1: the role of peer is not one of viewer, operator, peer, metrics")
        .hasMessageNotContaining(PEER);
  }

  @Test
  void theDaemonNeedsATokenWithThePeerRole() throws Exception {
    Path file = write(dir.resolve("api-tokens"), "peer " + PEER + " operator\n", "rw-------");

    assertThat(TokenFile.read(file).size()).isEqualTo(1);
    assertThatThrownBy(() -> TokenFile.readForDaemon(file))
        .isInstanceOf(TokenFileException.class)
        .hasMessageContaining("no token has the role peer")
        .hasMessageContaining("zferry token new --file " + file + " peer");

    write(file, "node-link " + PEER + " peer\ncli " + CLI + "\n", "rw-------");
    assertThat(TokenFile.readForDaemon(file).withRole("peer", Role.PEER).orElseThrow().label())
        .isEqualTo("node-link");
  }

  @Test
  void addingKeepsAReadOnlyModeAndFollowsASymlink() throws Exception {
    Path real = write(dir.resolve("real-tokens"), "peer " + PEER + "\n", "r--------");
    Path link = Files.createSymbolicLink(dir.resolve("api-tokens"), real);

    TokenFile.add(link, "cli", RANDOM);

    assertThat(Files.isSymbolicLink(link)).isTrue();
    assertThat(mode(real)).isEqualTo("r--------");
    assertThat(TokenFile.read(link).labels()).containsExactly("peer", "cli");
  }

  @Test
  void addingRefusesATakenLabelAndABrokenOrExposedFile() throws Exception {
    Path file = write(dir.resolve("api-tokens"), "peer " + PEER + "\n", "rw-------");
    assertThatThrownBy(() -> TokenFile.add(file, "peer", RANDOM))
        .isInstanceOf(TokenFileException.class)
        .hasMessageContaining("already has a token labelled peer");

    write(file, "peer " + PEER + "\n", "rw-r--r--");
    assertThatThrownBy(() -> TokenFile.add(file, "cli", RANDOM)).hasMessageContaining("chmod 600");

    write(file, "peer\n", "rw-------");
    assertThatThrownBy(() -> TokenFile.add(file, "cli", RANDOM)).hasMessageContaining("line 1");
    assertThat(Files.readString(file)).isEqualTo("peer\n");
  }

  @Test
  void addingInAMissingDirectoryFails() {
    assertThatThrownBy(() -> TokenFile.add(dir.resolve("no/such/api-tokens"), "cli", RANDOM))
        .isInstanceOf(IOException.class);
  }

  private static TokenFileException refused(Path file) {
    try {
      TokenFile.read(file);
    } catch (TokenFileException e) {
      return e;
    }
    throw new AssertionError(file + " was accepted");
  }
}
