package io.zferry.service.config;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The private keys a configuration names (the SSH key that can read every pool of the peer, the
 * API's TLS key) must be readable by their owner only, as OpenSSH demands of its own keys: a key
 * others can read may already be copied, and zferryd refuses to start on it rather than run with a
 * credential it cannot trust. A missing file is left to the checks that report missing files.
 */
public final class PrivateKeyFiles {
  private PrivateKeyFiles() {}

  /** Every private key file of {@code config} that others than its owner may use. */
  public static List<ConfigProblem> check(ZferryConfig config) {
    List<ConfigProblem> problems = new ArrayList<>();
    checkOne("ssh.privateKey", config.ssh().privateKey()).ifPresent(problems::add);
    config
        .api()
        .tls()
        .flatMap(tls -> checkOne("api.tls.privateKey", tls.privateKey()))
        .ifPresent(problems::add);
    return problems;
  }

  /**
   * What is wrong with a key file of these permissions, or empty if only its owner has any. Pure,
   * so the rule is tested without files.
   */
  public static Optional<String> exposure(Set<PosixFilePermission> permissions) {
    Set<PosixFilePermission> open = FileModes.ofOthers(permissions);
    if (open.isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(
        "has mode "
            + PosixFilePermissions.toString(permissions)
            + ": others than its owner may "
            + (open.stream().anyMatch(p -> p.name().endsWith("_READ")) ? "read" : "change")
            + " it");
  }

  private static Optional<ConfigProblem> checkOne(String key, Path file) {
    if (!Files.isRegularFile(file)) {
      return Optional.empty();
    }
    Set<PosixFilePermission> permissions;
    try {
      permissions = Files.getPosixFilePermissions(file);
    } catch (UnsupportedOperationException | IOException e) {
      return Optional.empty();
    }
    return exposure(permissions)
        .map(
            why ->
                new ConfigProblem(
                    key,
                    file + " " + why,
                    "chmod 600 "
                        + file
                        + "; if others could read it, make a new key and replace the old one"
                        + " on the peer"));
  }
}
