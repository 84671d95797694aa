package io.zferry.service.cli;

import java.util.regex.Pattern;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;

/** A service name from the command line, checked before it becomes part of a URL path. */
final class ServiceArgument {
  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]{0,62}");

  private ServiceArgument() {}

  static String check(CommandSpec spec, String service) {
    if (service == null || !NAME.matcher(service).matches()) {
      throw new CommandLine.ParameterException(
          spec.commandLine(),
          "'"
              + service
              + "' is not a service name (letters, digits, '-', '_', '.'); see zferry status");
    }
    return service;
  }
}
