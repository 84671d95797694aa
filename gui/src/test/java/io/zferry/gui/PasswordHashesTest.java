package io.zferry.gui;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.security.SecureRandom;
import org.bouncycastle.crypto.generators.OpenBSDBCrypt;
import org.junit.jupiter.api.Test;

class PasswordHashesTest {
  private final PasswordHashes hashes = new PasswordHashes();

  @Test
  void aNewHashIsArgon2idInPhcFormAndVerifiesOnlyItsPassword() {
    String hash = hashes.hash("s3cret pass".toCharArray());

    assertThat(hash)
        .matches("\\$argon2id\\$v=19\\$m=19456,t=2,p=1\\$[A-Za-z0-9+/]{22}\\$[A-Za-z0-9+/]{43}");
    assertThat(hashes.verify("s3cret pass".toCharArray(), hash)).isTrue();
    assertThat(hashes.verify("s3cret pasS".toCharArray(), hash)).isFalse();
    assertThat(hashes.hash("s3cret pass".toCharArray())).isNotEqualTo(hash);
  }

  @Test
  void aKnownArgon2idHashFromTheReferenceToolVerifies() {
    // echo -n password | argon2 somesalt -id -t 2 -m 16 -p 4 -l 32 -e (the reference CLI)
    String reference =
        "$argon2id$v=19$m=65536,t=2,p=4$c29tZXNhbHQ$GpZ3sK/oH9p7VIiV56G/64Zo/8GaUw434IimaPqxwCo";
    assertThat(hashes.verify("password".toCharArray(), reference)).isTrue();
    assertThat(hashes.verify("passwore".toCharArray(), reference)).isFalse();
  }

  @Test
  void bcryptHashesOfOtherToolsVerify() {
    byte[] salt = new byte[16];
    new SecureRandom().nextBytes(salt);
    String bcrypt = OpenBSDBCrypt.generate("2b", "hunter2".toCharArray(), salt, 6);

    assertThat(hashes.verify("hunter2".toCharArray(), bcrypt)).isTrue();
    assertThat(hashes.verify("hunter3".toCharArray(), bcrypt)).isFalse();
  }

  @Test
  void unreadableHashesNeverMatchAndAnEmptyPasswordIsRefused() {
    assertThat(hashes.verify("x".toCharArray(), null)).isFalse();
    assertThat(hashes.verify("x".toCharArray(), "$pbkdf2-sha256$i=1$abc$def")).isFalse();
    assertThat(hashes.verify("x".toCharArray(), "$argon2id$v=19$m=oops$c2FsdA$aGFzaA")).isFalse();
    assertThatThrownBy(() -> hashes.hash(new char[0]))
        .hasMessageContaining("the password is empty");
  }
}
