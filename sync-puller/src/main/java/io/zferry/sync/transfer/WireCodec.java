package io.zferry.sync.transfer;

import io.zferry.sync.serve.ServePolicy;
import java.util.List;

/**
 * How a stream is compressed on the wire: the word that asks the peer's {@code zferry serve} to run
 * the send through its compressor ({@code zferry-zstd}, zstd level 1), and the program that decodes
 * it here before {@code zfs recv}.
 *
 * @param remoteWord put before {@code zfs send} in the command sent to the peer
 * @param decoder the argv that reads the compressed stream on stdin and writes it decoded
 */
public record WireCodec(String remoteWord, List<String> decoder) {
  /** zstd: fast on both ends, and on incompressible data it stores blocks as they are. */
  public static final WireCodec ZSTD =
      new WireCodec(ServePolicy.COMPRESSED, List.of(ServePolicy.ZSTD, "-d", "-q", "-c"));

  public WireCodec {
    decoder = List.copyOf(decoder);
  }

  /** The program that decodes here; it must be installed for the codec to be used. */
  public String decoderProgram() {
    return decoder.get(0);
  }
}
