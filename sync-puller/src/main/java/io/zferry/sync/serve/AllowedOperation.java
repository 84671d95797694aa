package io.zferry.sync.serve;

import io.zferry.snapshot.zfs.DatasetName;
import java.util.List;

/**
 * A command {@code zferry serve} accepted.
 *
 * @param name the operation's shape, for logs ({@code list-snapshots}, {@code send}, ...)
 * @param arguments the validated arguments after {@code zfs}, exactly as they will be executed
 * @param datasets every dataset the command reads (of a snapshot or bookmark, its dataset; of a
 *     resume token, the dataset it names), for {@link ServedPools} to check
 * @param compressed a send whose output goes through the compressor ({@code zferry-zstd})
 */
public record AllowedOperation(
    String name, List<String> arguments, List<DatasetName> datasets, boolean compressed) {
  public AllowedOperation {
    arguments = List.copyOf(arguments);
    datasets = List.copyOf(datasets);
  }

  public AllowedOperation(String name, List<String> arguments, List<DatasetName> datasets) {
    this(name, arguments, datasets, false);
  }

  /** The same send, its output compressed. */
  AllowedOperation compressedOutput() {
    return new AllowedOperation(name + "-compressed", arguments, datasets, true);
  }

  /**
   * The argv to execute, with {@code zfsProgram} as the program, run by {@code compressorProgram}
   * when {@link #compressed}.
   */
  public List<String> argv(String zfsProgram, String compressorProgram) {
    List<String> argv = new java.util.ArrayList<>(arguments.size() + 2);
    if (compressed) {
      argv.add(compressorProgram);
    }
    argv.add(zfsProgram);
    argv.addAll(arguments);
    return argv;
  }
}
