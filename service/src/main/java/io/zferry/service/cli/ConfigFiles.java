package io.zferry.service.cli;

import io.zferry.service.api.auth.TokenFile;
import io.zferry.service.api.auth.TokenFileException;
import io.zferry.service.config.ConfigProblem;
import io.zferry.service.config.FencingPolicy;
import io.zferry.service.config.ServiceConfig;
import io.zferry.service.config.TlsConfig;
import io.zferry.service.config.ZferryConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The files a valid configuration names, checked on this machine: what the loader cannot know (it
 * reads the YAML only) but zferryd needs at start or later, each reported with its key.
 */
final class ConfigFiles {
  private ConfigFiles() {}

  /** Answers about files; each method says what is wrong with one, or empty if it is fine. */
  interface Probe {
    Optional<String> readable(Path file);

    Optional<String> executable(Path file);

    Optional<String> directory(Path dir);

    /** A valid API tokens file with at least one token. */
    Optional<String> tokens(Path file);
  }

  /** Every problem with the files {@code config} names, in the order of the sample's sections. */
  static List<ConfigProblem> check(ZferryConfig config, Probe probe) {
    List<ConfigProblem> problems = new ArrayList<>();
    probe
        .readable(config.ssh().privateKey())
        .ifPresent(
            p ->
                problems.add(
                    new ConfigProblem(
                        "ssh.privateKey",
                        p,
                        "create the key (ssh-keygen -t ed25519 -N '' -f "
                            + config.ssh().privateKey()
                            + ") and add its .pub to the peer's authorized_keys")));
    probe
        .readable(config.ssh().knownHosts())
        .ifPresent(
            p ->
                problems.add(
                    new ConfigProblem(
                        "ssh.knownHosts",
                        p,
                        "pin the peer's host key: ssh-keyscan -t ed25519 PEER >> "
                            + config.ssh().knownHosts()
                            + ", then compare its fingerprint with ssh-keygen -lf on the peer")));
    probe
        .tokens(config.api().tokensFile())
        .ifPresent(
            p ->
                problems.add(
                    new ConfigProblem(
                        "api.tokensFile",
                        p,
                        "create it: zferry token new peer; zferry token new cli (then copy it to"
                            + " the other node, mode 0600)")));
    config
        .api()
        .tls()
        .ifPresent(
            tls -> {
              String makeIt = TlsConfig.MAKE_NODE_FILES;
              probe
                  .readable(tls.certificate())
                  .ifPresent(
                      p -> problems.add(new ConfigProblem("api.tls.certificate", p, makeIt)));
              probe
                  .readable(tls.privateKey())
                  .ifPresent(p -> problems.add(new ConfigProblem("api.tls.privateKey", p, makeIt)));
              tls.peerCertificate()
                  .flatMap(probe::readable)
                  .ifPresent(
                      p ->
                          problems.add(
                              new ConfigProblem(
                                  "api.tls.peerCertificate", p, TlsConfig.COPY_PEER_FILE)));
            });
    Path stateDir = config.state().database().toAbsolutePath().getParent();
    if (stateDir != null) {
      probe
          .directory(stateDir)
          .ifPresent(
              p ->
                  problems.add(
                      new ConfigProblem(
                          "state.database",
                          "its directory " + stateDir + ": " + p,
                          "create it: mkdir -m 700 -p " + stateDir)));
    }
    List<ServiceConfig> services = config.services();
    for (int i = 0; i < services.size(); i++) {
      ServiceConfig service = services.get(i);
      String at = "services[" + i + "]";
      if (service.hooks() != null) {
        programs(problems, probe, at + ".hooks.start", service.hooks().start());
        programs(problems, probe, at + ".hooks.stop", service.hooks().stop());
      }
      if (service.fencing() instanceof FencingPolicy.Command command
          && !command.argv().isEmpty()
          && command.argv().get(0).startsWith("/")) {
        probe
            .executable(Path.of(command.argv().get(0)))
            .ifPresent(
                p ->
                    problems.add(
                        new ConfigProblem(
                            at + ".fencing.command",
                            p,
                            "install the fence agent there and make it executable (chmod 755)")));
      }
    }
    return problems;
  }

  private static void programs(
      List<ConfigProblem> problems, Probe probe, String key, List<Path> programs) {
    for (int i = 0; i < programs.size(); i++) {
      int index = i;
      probe
          .executable(programs.get(i))
          .ifPresent(
              p ->
                  problems.add(
                      new ConfigProblem(
                          key + "[" + index + "]",
                          p,
                          "install the hook there and make it executable (chmod 755)")));
    }
  }

  /** This machine's files. */
  static final Probe LOCAL =
      new Probe() {
        @Override
        public Optional<String> readable(Path file) {
          if (!Files.exists(file)) {
            return Optional.of(file + " does not exist");
          }
          if (!Files.isRegularFile(file)) {
            return Optional.of(file + " is not a regular file");
          }
          return Files.isReadable(file)
              ? Optional.empty()
              : Optional.of(file + " is not readable by this user");
        }

        @Override
        public Optional<String> executable(Path file) {
          Optional<String> problem = readable(file);
          if (problem.isPresent()) {
            return problem;
          }
          return Files.isExecutable(file)
              ? Optional.empty()
              : Optional.of(file + " is not executable");
        }

        @Override
        public Optional<String> directory(Path dir) {
          return Files.isDirectory(dir) ? Optional.empty() : Optional.of("does not exist");
        }

        @Override
        public Optional<String> tokens(Path file) {
          try {
            TokenFile.readForDaemon(file);
            return Optional.empty();
          } catch (TokenFileException e) {
            return Optional.of(e.getMessage());
          }
        }
      };
}
