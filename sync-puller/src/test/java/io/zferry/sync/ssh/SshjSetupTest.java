package io.zferry.sync.ssh;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Set;
import net.schmizz.sshj.DefaultConfig;
import net.schmizz.sshj.common.Factory;
import net.schmizz.sshj.common.SecurityUtils;
import org.junit.jupiter.api.Test;

class SshjSetupTest {

  @Test
  void bouncyCastleIsNotTheProvider() {
    SshjSetup.ensureConfigured();

    // null means "the JDK's providers", whose AES-GCM uses the CPU's AES instructions.
    assertThat(SecurityUtils.getSecurityProvider()).isNull();
    assertThat(SecurityUtils.isBouncyCastleRegistered()).isFalse();
  }

  @Test
  void offersOnlyAesGcmThenAesCtrAndNoCompression() {
    DefaultConfig config = SshjSetup.config(Set.of(), SshSettings.defaults());

    assertThat(names(config.getCipherFactories()))
        .containsExactly(
            "aes128-gcm@openssh.com", "aes256-gcm@openssh.com", "aes128-ctr", "aes256-ctr");
    assertThat(names(config.getCompressionFactories())).containsExactly("none");
    assertThat(names(config.getMACFactories())).allMatch(name -> name.contains("sha2"));
    assertThat(config.getMaxCircularBufferSize())
        .isGreaterThanOrEqualTo((int) (2 * SshSettings.DEFAULT_WINDOW_SIZE));
  }

  @Test
  void asksForThePinnedHostKeyTypesFirst() {
    List<String> unpinned = keyAlgorithms(Set.of());

    assertThat(keyAlgorithms(Set.of("ssh-ed25519"))).startsWith("ssh-ed25519");
    assertThat(keyAlgorithms(Set.of("ssh-rsa")))
        .startsWith("rsa-sha2-512", "rsa-sha2-256", "ssh-rsa");
    assertThat(keyAlgorithms(Set.of("ssh-ed25519", "ecdsa-sha2-nistp256")))
        .startsWith("ssh-ed25519", "ecdsa-sha2-nistp256");
    // Reordered, never narrowed: the same list signs with the client key, of any type.
    assertThat(keyAlgorithms(Set.of("ecdsa-sha2-nistp256")))
        .containsExactlyInAnyOrderElementsOf(unpinned);
  }

  @Test
  void neverOffersCertificatesAndKeepsSshjsOrderForAnUnknownPeer() {
    List<String> names = keyAlgorithms(Set.of());

    assertThat(names).startsWith("ssh-ed25519").contains("ecdsa-sha2-nistp256", "rsa-sha2-512");
    assertThat(names).noneMatch(name -> name.contains("cert"));
    assertThat(keyAlgorithms(Set.of("sk-ssh-ed25519@openssh.com"))).isEqualTo(names);
  }

  private static List<String> keyAlgorithms(Set<String> pinned) {
    return names(SshjSetup.config(pinned, SshSettings.defaults()).getKeyAlgorithms());
  }

  private static <T> List<String> names(List<Factory.Named<T>> factories) {
    return factories.stream().map(Factory.Named::getName).toList();
  }
}
