package io.zferry.service.cli;

import io.zferry.service.api.auth.ApiToken;
import io.zferry.service.api.auth.Role;
import io.zferry.service.api.auth.TokenFile;
import io.zferry.service.api.auth.TokenFileException;
import io.zferry.service.config.ApiConfig;
import io.zferry.service.model.Names;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.AccessDeniedException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code zferry token ...}: the API tokens file. */
@Command(
    name = "token",
    mixinStandardHelpOptions = true,
    description =
        "Manage the API tokens that the CLI, the GUI and the peer node authenticate with.",
    subcommands = {TokenCommand.New.class})
final class TokenCommand implements Runnable {
  @Spec CommandSpec spec;

  @Override
  public void run() {
    throw new CommandLine.ParameterException(spec.commandLine(), "name a subcommand: new");
  }

  /** {@code zferry token new [--file F] [--print] [LABEL]}. */
  @Command(
      name = "new",
      mixinStandardHelpOptions = true,
      description = {
        "Add a new random token (32 bytes from a secure random source, base64url) to the API"
            + " tokens file, creating the file with mode 0600 if needed.",
        "The file holds "
            + TokenFile.FORMAT
            + ". Both nodes hold the same file: copy it to the"
            + " other node (same path, mode 0600), then restart zferryd on both."
      },
      exitCodeListHeading = "%nExit codes:%n",
      exitCodeList = {
        "0:the token was added",
        "1:the file could not be written, or the existing file is not valid",
        "2:wrong usage, such as an invalid label"
      },
      footer = {
        "",
        "Examples:",
        "  zferry token new peer",
        "  zferry token new cli",
        "  zferry token new --print prometheus",
        "  zferry token new --role viewer --file /root/api-tokens --print dashboard"
      })
  static final class New implements Callable<Integer> {
    @Option(
        names = "--file",
        paramLabel = "FILE",
        description = "The tokens file (default: ${DEFAULT-VALUE}).")
    Path file = ApiConfig.DEFAULT_TOKENS_FILE;

    @Option(
        names = "--print",
        description =
            "Print the new token on standard output (and nothing else there), to hand it to a"
                + " client such as the GUI. Without it no token is ever printed.")
    boolean print;

    @Option(
        names = "--role",
        paramLabel = "ROLE",
        description =
            "What the token may do: one of "
                + Role.NAMES
                + ". Default: the least that fits the label: peer for peer, operator for cli,"
                + " metrics for prometheus or metrics, viewer for any other.")
    String role;

    @Parameters(
        arity = "0..1",
        paramLabel = "LABEL",
        description =
            "Which client holds the token, such as peer, cli or prometheus (default:"
                + " ${DEFAULT-VALUE}). A node sends the token labelled peer (else the first with"
                + " the peer role) to the other; the CLI the one labelled cli (else the first"
                + " operator token).")
    String label = TokenFile.DEFAULT_LABEL;

    @Spec CommandSpec spec;

    @Override
    public Integer call() {
      try {
        Names.require("token label", label);
      } catch (IllegalArgumentException e) {
        throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
      }
      Role granted = Role.defaultFor(label);
      if (role != null) {
        granted =
            Role.parse(role)
                .orElseThrow(
                    () ->
                        new CommandLine.ParameterException(
                            spec.commandLine(), "--role " + role + " is not one of " + Role.NAMES));
      }
      TokenFile.Added added;
      try {
        added = TokenFile.add(file, label, granted, new SecureRandom());
      } catch (TokenFileException e) {
        throw CliFailure.failed(e.getMessage());
      } catch (AccessDeniedException e) {
        throw CliFailure.failed(
            "cannot write the tokens file " + file + ": Permission denied; run as root");
      } catch (NoSuchFileException e) {
        throw CliFailure.failed(
            "cannot create the tokens file "
                + file
                + ": its directory does not exist; create it (mkdir -p "
                + file.toAbsolutePath().getParent()
                + ") or pass --file");
      } catch (IOException e) {
        throw CliFailure.failed("cannot write the tokens file " + file + ": " + e);
      }
      ApiToken token = added.token();
      PrintWriter out = spec.commandLine().getOut();
      // With --print, standard output is the token alone, so that it can be captured.
      PrintWriter info = print ? spec.commandLine().getErr() : out;
      info.printf(
          "added token '%s' (role %s) to %s%s%n",
          token.label(),
          token.role().text(),
          file,
          added.created() ? " (new file, mode 0600)" : "");
      info.println(
          "Copy the file to the other node (same path, mode 0600) and restart zferryd on both.");
      if (print) {
        out.println(token.secret());
      }
      out.flush();
      info.flush();
      return ZferryCli.OK;
    }
  }
}
