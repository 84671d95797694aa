package io.zferry.service.pacemaker;

import java.net.URI;
import java.nio.file.Path;
import java.util.Optional;

/**
 * How the resource agent reaches this node's API without starting a JVM ({@code
 * /run/zferry/pacemaker/api}): the URL, the certificate to trust and the tokens file whose {@code
 * cli} token it sends. Paths only, never a token: the file is as readable as the runtime directory
 * (root's, mode 0700), but a token belongs in the tokens file alone.
 *
 * @param url the API on this node, such as {@code https://127.0.0.1:8330}
 * @param certificate the node's own certificate, when the API speaks HTTPS
 * @param tokensFile {@code api.tokensFile}
 */
public record AgentApiFile(URI url, Optional<Path> certificate, Path tokensFile) {
  public static final String NAME = "api";

  /** The file's text: {@code key=value} lines, read by a POSIX shell. */
  public String render() {
    return String.join(
        "\n",
        "url=" + url,
        "cacert=" + certificate.map(Path::toString).orElse(""),
        "tokens=" + tokensFile,
        "");
  }

  public void writeTo(Path directory) {
    RuntimeFiles.write(directory.resolve(NAME), render());
  }
}
