package io.zferry.service.config;

import java.nio.file.Path;

/**
 * The certificate the API and GUI serve HTTPS with. Both files are PEM; they are read when the
 * daemon starts, not when the configuration is checked, so a configuration can be validated on a
 * machine that does not hold them.
 *
 * @param certificate the certificate chain, leaf first
 * @param privateKey the certificate's unencrypted private key
 */
public record TlsConfig(Path certificate, Path privateKey) {
  public TlsConfig {
    Checks.absolute("certificate", certificate);
    Checks.absolute("privateKey", privateKey);
  }
}
