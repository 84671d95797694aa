package io.zferry.sync.ssh;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KnownHostsTest {
  private static final Path FILE = Path.of("/etc/zferry/known_hosts");

  /** A key made by ssh-keygen (OpenSSH 9.2) and its fingerprint as `ssh-keygen -lf` shows it. */
  static final String ED25519_KEY =
      "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOHOmh/4eWD2HzFqPDnxEnTE4gUchi06eqLKoSeusfp2";

  static final String ED25519_FINGERPRINT = "SHA256:oletjT/eH01DGDbJOaxGW5PYxOYcvLMYTiUHy1XDTE0";

  static final String ECDSA_KEY =
      "ecdsa-sha2-nistp256 AAAAE2VjZHNhLXNoYTItbmlzdHAyNTYAAAAIbmlzdHAyNTYAAABBBE0n1J+PI56btUtX"
          + "/q+r29QSFROxED3XM7mSt3302/LddtJHrOBcYB/9eSpOpfqwXv63L4TYJ63jkNi0qTVqQ6M=";

  static final String ECDSA_FINGERPRINT = "SHA256:3qoREClRjZY2lOwj5ai568xQyKZTa0IhHnvPKTsmD8o";

  @Test
  void parsesEntriesWithLineNumbersMarkersAndComments() {
    KnownHosts hosts =
        KnownHosts.parse(
            FILE,
            List.of(
                "# pinned by the lab",
                "",
                "node-a,10.0.0.1 " + ED25519_KEY + " root@node-a",
                "   [127.0.0.1]:22011   " + ECDSA_KEY,
                "@revoked * " + ED25519_KEY,
                "@cert-authority *.lab " + ECDSA_KEY));

    assertThat(hosts.problems()).isEmpty();
    assertThat(hosts.entries())
        .extracting(
            KnownHostsEntry::lineNumber,
            KnownHostsEntry::marker,
            KnownHostsEntry::hostPatterns,
            KnownHostsEntry::keyType)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple(
                3, KnownHostsEntry.Marker.NONE, "node-a,10.0.0.1", "ssh-ed25519"),
            org.assertj.core.groups.Tuple.tuple(
                4, KnownHostsEntry.Marker.NONE, "[127.0.0.1]:22011", "ecdsa-sha2-nistp256"),
            org.assertj.core.groups.Tuple.tuple(
                5, KnownHostsEntry.Marker.REVOKED, "*", "ssh-ed25519"),
            org.assertj.core.groups.Tuple.tuple(
                6, KnownHostsEntry.Marker.CERT_AUTHORITY, "*.lab", "ecdsa-sha2-nistp256"));
  }

  @Test
  void fingerprintsLikeSshKeygen() {
    KnownHosts hosts = KnownHosts.parse(FILE, List.of("a " + ED25519_KEY, "b " + ECDSA_KEY));

    assertThat(hosts.entries())
        .extracting(KnownHostsEntry::fingerprint)
        .containsExactly(ED25519_FINGERPRINT, ECDSA_FINGERPRINT);
  }

  @Test
  void skipsUnusableLinesAndKeepsTheRest() {
    String ed25519Blob = ED25519_KEY.split(" ")[1];
    KnownHosts hosts =
        KnownHosts.parse(
            FILE,
            List.of(
                "node-a ssh-ed25519 not*base64",
                "node-a ssh-rsa " + ed25519Blob,
                "node-a 1024 35 12345678901234567890",
                "@trusted node-a " + ED25519_KEY,
                "node-a ssh-ed25519",
                "node-a ssh-ed25519 " + Base64.getEncoder().encodeToString(new byte[] {1, 2}),
                "node-b " + ECDSA_KEY));

    assertThat(hosts.entries()).extracting(KnownHostsEntry::lineNumber).containsExactly(7);
    assertThat(hosts.problems())
        .hasSize(6)
        .anySatisfy(p -> assertThat(p).contains("line 1").contains("base64"))
        .anySatisfy(p -> assertThat(p).contains("line 2").contains("holds a ssh-ed25519 key"))
        .anySatisfy(p -> assertThat(p).contains("line 3").contains("protocol 1"))
        .anySatisfy(p -> assertThat(p).contains("line 4").contains("unknown marker @trusted"))
        .anySatisfy(p -> assertThat(p).contains("line 5").contains("expected hosts"))
        .anySatisfy(p -> assertThat(p).contains("line 6").contains("malformed"));
  }

  @Test
  void entriesForIgnoresMarkedLinesAndOtherHosts() {
    KnownHosts hosts =
        KnownHosts.parse(
            FILE,
            List.of(
                "node-b " + ED25519_KEY,
                "@cert-authority node-a " + ED25519_KEY,
                "@revoked node-a " + ECDSA_KEY,
                "[127.0.0.1]:22011 " + ECDSA_KEY,
                "node-a " + ED25519_KEY));

    assertThat(hosts.entriesFor(List.of("node-a", "[127.0.0.1]:22011")))
        .extracting(KnownHostsEntry::lineNumber)
        .containsExactly(4, 5);
  }

  @Test
  void aMissingFileIsEmpty(@TempDir Path dir) throws IOException {
    KnownHosts hosts = KnownHosts.read(dir.resolve("absent"));

    assertThat(hosts.exists()).isFalse();
    assertThat(hosts.entries()).isEmpty();
  }

  @Test
  void readsAFile(@TempDir Path dir) throws IOException {
    Path file = dir.resolve("known_hosts");
    Files.writeString(file, "node-a " + ED25519_KEY + "\n\u00ff\u00fe garbage\n");

    KnownHosts hosts = KnownHosts.read(file);

    assertThat(hosts.exists()).isTrue();
    assertThat(hosts.source()).isEqualTo(file);
    assertThat(hosts.entries()).hasSize(1);
    assertThat(hosts.problems()).hasSize(1);
  }
}
