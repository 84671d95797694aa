package io.zferry.sync.serve;

import java.util.List;

/**
 * A command {@code zferry serve} accepted.
 *
 * @param name the operation's shape, for logs ({@code list-snapshots}, {@code send}, ...)
 * @param arguments the validated arguments after {@code zfs}, exactly as they will be executed
 */
public record AllowedOperation(String name, List<String> arguments) {
  public AllowedOperation {
    arguments = List.copyOf(arguments);
  }

  /** The argv to execute, with {@code zfsProgram} as the program. */
  public List<String> argv(String zfsProgram) {
    List<String> argv = new java.util.ArrayList<>(arguments.size() + 1);
    argv.add(zfsProgram);
    argv.addAll(arguments);
    return argv;
  }
}
