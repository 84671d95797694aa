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
 */
public record AllowedOperation(String name, List<String> arguments, List<DatasetName> datasets) {
  public AllowedOperation {
    arguments = List.copyOf(arguments);
    datasets = List.copyOf(datasets);
  }

  /** The argv to execute, with {@code zfsProgram} as the program. */
  public List<String> argv(String zfsProgram) {
    List<String> argv = new java.util.ArrayList<>(arguments.size() + 1);
    argv.add(zfsProgram);
    argv.addAll(arguments);
    return argv;
  }
}
