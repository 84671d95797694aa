package io.zferry.sync.ssh;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPairGenerator;
import java.security.PublicKey;
import java.security.spec.ECGenParameterSpec;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class PinnedHostKeyVerifierTest {
  private static final Path KNOWN_HOSTS = Path.of("/etc/zferry/known_hosts");
  private static final SshEndpoint NODE_A =
      new SshEndpoint(
          "node-a", "127.0.0.1", 22011, "root", Path.of("/etc/zferry/id_ed25519"), KNOWN_HOSTS);

  private static PublicKey ed25519;
  private static PublicKey otherEd25519;
  private static PublicKey rsa;
  private static PublicKey ecdsa;

  @BeforeAll
  static void generateKeys() throws GeneralSecurityException {
    ed25519 = KeyPairGenerator.getInstance("Ed25519").generateKeyPair().getPublic();
    otherEd25519 = KeyPairGenerator.getInstance("Ed25519").generateKeyPair().getPublic();
    KeyPairGenerator rsaGenerator = KeyPairGenerator.getInstance("RSA");
    rsaGenerator.initialize(2048);
    rsa = rsaGenerator.generateKeyPair().getPublic();
    KeyPairGenerator ecGenerator = KeyPairGenerator.getInstance("EC");
    ecGenerator.initialize(new ECGenParameterSpec("secp256r1"));
    ecdsa = ecGenerator.generateKeyPair().getPublic();
  }

  private static PinnedHostKeyVerifier verifier(SshEndpoint endpoint, String... lines) {
    return new PinnedHostKeyVerifier(endpoint, KnownHosts.parse(KNOWN_HOSTS, List.of(lines)));
  }

  private static PinnedHostKeyVerifier verifier(String... lines) {
    return verifier(NODE_A, lines);
  }

  @Test
  void writesKnownHostsLinesOfEveryKeyType() {
    assertThat(SshKeys.knownHostsLine("h", ed25519)).startsWith("h ssh-ed25519 AAAA");
    assertThat(SshKeys.knownHostsLine("h", rsa)).startsWith("h ssh-rsa AAAA");
    assertThat(SshKeys.knownHostsLine("h", ecdsa)).startsWith("h ecdsa-sha2-nistp256 AAAA");
  }

  @Test
  void trustsTheKeyPinnedUnderTheNodeName() {
    PinnedHostKeyVerifier verifier =
        verifier(
            SshKeys.knownHostsLine("node-b", otherEd25519),
            SshKeys.knownHostsLine("node-a", ed25519));

    HostKeyVerdict verdict = verifier.check(ed25519);

    assertThat(verdict).isInstanceOf(HostKeyVerdict.Trusted.class);
    assertThat(((HostKeyVerdict.Trusted) verdict).entry().lineNumber()).isEqualTo(2);
    assertThat(verifier.refusal(verdict)).isEmpty();
  }

  @Test
  void trustsAnEntryForTheAddressAndPort() {
    PinnedHostKeyVerifier verifier = verifier(SshKeys.knownHostsLine("[127.0.0.1]:22011", rsa));

    assertThat(verifier.check(rsa)).isInstanceOf(HostKeyVerdict.Trusted.class);
    // The same address on another port is another host.
    assertThat(verifier(SshKeys.knownHostsLine("[127.0.0.1]:22", rsa)).check(rsa))
        .isInstanceOf(HostKeyVerdict.Unknown.class);
    assertThat(verifier(SshKeys.knownHostsLine("127.0.0.1", rsa)).check(rsa))
        .isInstanceOf(HostKeyVerdict.Unknown.class);
  }

  @Test
  void onPort22ThePlainAddressIsTheAddressName() {
    SshEndpoint port22 =
        new SshEndpoint("node-a", "10.99.0.1", 22, "root", Path.of("/etc/zferry/id"), KNOWN_HOSTS);

    assertThat(port22.knownHostsNames()).containsExactly("node-a", "10.99.0.1");
    assertThat(verifier(port22, SshKeys.knownHostsLine("10.99.0.1", ecdsa)).check(ecdsa))
        .isInstanceOf(HostKeyVerdict.Trusted.class);
  }

  @Test
  void trustsAHashedEntry() {
    byte[] salt = "0123456789abcdefghij".getBytes(StandardCharsets.US_ASCII);
    PinnedHostKeyVerifier verifier =
        verifier(SshKeys.knownHostsLine(HostPatterns.hash("node-a", salt), ecdsa));

    assertThat(verifier.check(ecdsa)).isInstanceOf(HostKeyVerdict.Trusted.class);
    assertThat(verifier.pinnedKeyTypes()).containsExactly("ecdsa-sha2-nistp256");
  }

  @Test
  void reportsAChangedKeyWithBothFingerprintsAndTheLineToFix() {
    PinnedHostKeyVerifier verifier =
        verifier(
            "# lab keys",
            SshKeys.knownHostsLine("node-b", ed25519),
            SshKeys.knownHostsLine("node-a,10.0.0.1", otherEd25519));

    HostKeyVerdict verdict = verifier.check(ed25519);

    assertThat(verdict).isInstanceOf(HostKeyVerdict.Changed.class);
    HostKeyVerdict.Changed changed = (HostKeyVerdict.Changed) verdict;
    assertThat(changed.expected()).extracting(KnownHostsEntry::lineNumber).containsExactly(3);
    assertThat(changed.offeredFingerprint()).isEqualTo(SshKeys.fingerprint(ed25519));

    RemoteHostException refusal = verifier.refusal(verdict).orElseThrow();
    assertThat(refusal).isInstanceOf(HostKeyMismatchException.class);
    HostKeyMismatchException mismatch = (HostKeyMismatchException) refusal;
    assertThat(mismatch.host()).isEqualTo("node-a");
    assertThat(mismatch.address()).isEqualTo("127.0.0.1");
    assertThat(mismatch.port()).isEqualTo(22011);
    assertThat(mismatch.expectedFingerprints()).containsExactly(SshKeys.fingerprint(otherEd25519));
    assertThat(mismatch.offeredFingerprint()).isEqualTo(SshKeys.fingerprint(ed25519));
    assertThat(mismatch.knownHostsFile()).isEqualTo(KNOWN_HOSTS);
    assertThat(mismatch.knownHostsLines()).containsExactly(3);
    assertThat(mismatch.getMessage())
        .startsWith("node-a: SSH 127.0.0.1:22011: HOST KEY CHANGED for node-a")
        .contains(SshKeys.fingerprint(otherEd25519) + " (ssh-ed25519, line 3)")
        .contains("offered " + SshKeys.fingerprint(ed25519))
        .contains("replace line(s) 3 of /etc/zferry/known_hosts");
  }

  @Test
  void aKeyOfAnotherTypeThanThePinnedOneIsAChange() {
    PinnedHostKeyVerifier verifier = verifier(SshKeys.knownHostsLine("node-a", ed25519));

    assertThat(verifier.check(rsa)).isInstanceOf(HostKeyVerdict.Changed.class);
  }

  @Test
  void refusesAnUnknownHostAndSuggestsTheLineThatPinsIt() {
    PinnedHostKeyVerifier verifier = verifier(SshKeys.knownHostsLine("node-b", ed25519));

    HostKeyVerdict verdict = verifier.check(ed25519);

    assertThat(verdict).isInstanceOf(HostKeyVerdict.Unknown.class);
    String suggested = ((HostKeyVerdict.Unknown) verdict).suggestedLine();
    assertThat(suggested).isEqualTo(SshKeys.knownHostsLine("node-a", ed25519));
    RemoteHostException refusal = verifier.refusal(verdict).orElseThrow();
    assertThat(refusal)
        .isInstanceOf(UnknownHostKeyException.class)
        .hasMessageContaining("host key of node-a is unknown")
        .hasMessageContaining("no entry for node-a or [127.0.0.1]:22011")
        .hasMessageContaining(SshKeys.fingerprint(ed25519))
        .hasMessageContaining("append this line to /etc/zferry/known_hosts: " + suggested);
    // Following the advice works.
    assertThat(verifier(suggested).check(ed25519)).isInstanceOf(HostKeyVerdict.Trusted.class);
  }

  @Test
  void aRevokedKeyIsRefusedEvenIfAlsoPinned() {
    PinnedHostKeyVerifier verifier =
        verifier(
            SshKeys.knownHostsLine("node-a", ed25519),
            "@revoked " + SshKeys.knownHostsLine("*", ed25519));

    HostKeyVerdict verdict = verifier.check(ed25519);

    assertThat(verdict).isInstanceOf(HostKeyVerdict.Revoked.class);
    assertThat(verifier.refusal(verdict).orElseThrow())
        .hasMessageContaining("marked @revoked on line 2");
  }

  @Test
  void certificateAuthorityLinesPinNothing() {
    PinnedHostKeyVerifier verifier =
        verifier("@cert-authority " + SshKeys.knownHostsLine("node-a", ed25519));

    assertThat(verifier.check(ed25519)).isInstanceOf(HostKeyVerdict.Unknown.class);
    assertThat(verifier.pinnedKeyTypes()).isEmpty();
  }

  @Test
  void verifyAnswersSshjAndKeepsTheVerdict() {
    PinnedHostKeyVerifier verifier = verifier(SshKeys.knownHostsLine("node-a", ed25519));

    assertThat(verifier.lastVerdict()).isEmpty();
    // sshj passes the connect address; the alias decides.
    assertThat(verifier.verify("127.0.0.1", 22011, ed25519)).isTrue();
    assertThat(verifier.lastVerdict()).containsInstanceOf(HostKeyVerdict.Trusted.class);
    assertThat(verifier.verify("127.0.0.1", 22011, otherEd25519)).isFalse();
    assertThat(verifier.lastVerdict()).containsInstanceOf(HostKeyVerdict.Changed.class);
    assertThat(verifier.findExistingAlgorithms("127.0.0.1", 22011)).isEmpty();
  }

  @Test
  void pinnedKeyTypesListEveryTypeForThePeer() {
    PinnedHostKeyVerifier verifier =
        verifier(
            SshKeys.knownHostsLine("node-a", ed25519),
            SshKeys.knownHostsLine("[127.0.0.1]:22011", rsa),
            SshKeys.knownHostsLine("node-b", ecdsa));

    assertThat(verifier.pinnedKeyTypes()).containsExactly("ssh-ed25519", "ssh-rsa");
  }

  @Test
  void blobsStartWithTheirType() {
    byte[] blob = SshKeys.blob(ed25519);

    assertThat(SshKeys.typeOf(blob)).contains("ssh-ed25519");
    assertThat(SshKeys.typeOf(Arrays.copyOf(blob, 3))).isEmpty();
    assertThat(SshKeys.typeOf(new byte[] {0, 0, 0, 99, 'x'})).isEmpty();
  }
}
