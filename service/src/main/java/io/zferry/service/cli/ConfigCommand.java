package io.zferry.service.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.zferry.service.config.ConfigException;
import io.zferry.service.config.ConfigLoader;
import io.zferry.service.config.ConfigProblem;
import io.zferry.service.config.PrivateKeyFiles;
import io.zferry.service.config.UnitWatchdog;
import io.zferry.service.config.ZferryConfig;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code zferry config ...}: the configuration file. */
@Command(
    name = "config",
    mixinStandardHelpOptions = true,
    description = "Work with the zferry configuration file.",
    subcommands = {ConfigCommand.Check.class})
final class ConfigCommand implements Runnable {
  @Spec CommandSpec spec;

  @Override
  public void run() {
    throw new CommandLine.ParameterException(spec.commandLine(), "name a subcommand: check");
  }

  /** {@code zferry config check [FILE]}. */
  @Command(
      name = "check",
      mixinStandardHelpOptions = true,
      description = {
        "Validate a configuration and name every problem with its key and its fix: all of them"
            + " at once, in the order of the file.",
        "Then, unless --skip-files, check on this machine the files it names: the SSH key and"
            + " known_hosts, the API tokens file, TLS files, the state directory, hooks and the"
            + " fence command.",
        "Does not need zferryd. (zferryd --check-config also checks that this host is one of the"
            + " nodes.)"
      },
      exitCodeListHeading = "%nExit codes:%n",
      exitCodeList = {"0:no problem", "1:problems (each printed)", "2:wrong usage"},
      footer = {
        "",
        "Examples:",
        "  zferry config check",
        "  zferry config check ./zferry.yaml --skip-files",
        "  zferry config check --json | jq -r '.problems[].key'"
      })
  static final class Check implements Callable<Integer> {
    @Parameters(
        arity = "0..1",
        paramLabel = "FILE",
        description = "The configuration (default: ${DEFAULT-VALUE}).")
    Path file = Path.of(ApiOptions.DEFAULT_CONFIG);

    @Option(
        names = "--skip-files",
        description = "Check the YAML only, not the files it names (for another machine's config).")
    boolean skipFiles;

    @Option(names = "--json", description = "Print the result as JSON (same exit code).")
    boolean json;

    @Spec CommandSpec spec;

    /** One problem as --json prints it. */
    record Problem(String key, String problem, String fix) {}

    @Override
    public Integer call() {
      List<ConfigProblem> problems = new ArrayList<>();
      ZferryConfig config = null;
      try {
        config = ConfigLoader.load(file);
      } catch (ConfigException e) {
        problems.addAll(e.problems());
      }
      if (config != null) {
        problems.addAll(UnitWatchdog.SHIPPED.check(config));
      }
      if (config != null && !skipFiles) {
        problems.addAll(ConfigFiles.check(config, ConfigFiles.LOCAL));
        problems.addAll(PrivateKeyFiles.check(config));
      }
      PrintWriter out = spec.commandLine().getOut();
      if (json) {
        out.println(json(problems));
      } else if (problems.isEmpty()) {
        out.printf(
            "%s: valid: %d node(s), %d service(s)%s%n",
            file,
            config.nodes().size(),
            config.services().size(),
            skipFiles ? " (files not checked)" : "; the files it names are in place");
      } else {
        problems.forEach(p -> out.println(p.render(file.toString())));
        out.printf("%s: %d problem%s%n", file, problems.size(), problems.size() == 1 ? "" : "s");
      }
      out.flush();
      return problems.isEmpty() ? ZferryCli.OK : ZferryCli.FAILED;
    }

    private String json(List<ConfigProblem> problems) {
      Map<String, Object> answer = new LinkedHashMap<>();
      answer.put("file", file.toString());
      answer.put("valid", problems.isEmpty());
      answer.put(
          "problems",
          problems.stream().map(p -> new Problem(p.path(), p.problem(), p.fix())).toList());
      try {
        return new ObjectMapper()
            .enable(SerializationFeature.INDENT_OUTPUT)
            .writeValueAsString(answer);
      } catch (JsonProcessingException e) {
        throw new IllegalStateException(e);
      }
    }
  }
}
