package io.zferry.service.config;

import static io.zferry.service.config.YamlSection.present;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import com.fasterxml.jackson.dataformat.yaml.snakeyaml.error.Mark;
import com.fasterxml.jackson.dataformat.yaml.snakeyaml.error.MarkedYAMLException;
import io.zferry.service.api.auth.Role;
import io.zferry.service.model.NodeName;
import io.zferry.service.model.ServiceName;
import io.zferry.snapshot.zfs.DatasetName;
import io.zferry.sync.transfer.WireCompression;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/**
 * Reads zferry.yaml into a {@link ZferryConfig}, or refuses it with a {@link ConfigException} that
 * lists every problem at once, each with its key path and its fix.
 *
 * <p>The YAML is read into a tree and walked key by key rather than bound to classes, so that a bad
 * value is reported where it is and the walk goes on to the next one.
 */
public final class ConfigLoader {
  /** Where the sample that documents every key lives, for messages. */
  static final String SAMPLE = "the commented sample zferry.yaml in packaging/";

  // A key given twice is almost always a copy-paste mistake whose second value would silently win.
  private static final ObjectMapper YAML =
      YAMLMapper.builder().enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION).build();

  private ConfigLoader() {}

  /**
   * Reads and validates a configuration file.
   *
   * @throws ConfigException if the file cannot be read or is not a valid configuration
   */
  public static ZferryConfig load(Path file) {
    String source = file.toString();
    String text;
    try {
      text = Files.readString(file, StandardCharsets.UTF_8);
    } catch (NoSuchFileException e) {
      throw single(source, "the file does not exist", "create it; start from " + SAMPLE);
    } catch (AccessDeniedException e) {
      throw single(
          source, "permission denied", "make it readable by the user zferryd runs as (root)");
    } catch (CharacterCodingException e) {
      throw single(source, "the file is not UTF-8 text", "save it as UTF-8");
    } catch (IOException e) {
      throw single(source, "cannot be read: " + e, "check the path and the disk");
    }
    return parse(text, source);
  }

  /**
   * Validates a configuration given as YAML text.
   *
   * @param sourceName shown in front of each problem, such as the file name
   * @throws ConfigException if the text is not a valid configuration
   */
  public static ZferryConfig parse(String yaml, String sourceName) {
    JsonNode root;
    try (JsonParser parser = YAML.createParser(yaml)) {
      root = YAML.readTree(parser);
      // A stray '---' would otherwise make zferry ignore everything after it.
      if (root != null && parser.nextToken() != null) {
        JsonLocation second = parser.currentTokenLocation();
        throw new ConfigException(
            sourceName,
            List.of(
                new ConfigProblem(
                    position(second.getLineNr(), second.getColumnNr()),
                    "a second YAML document begins here (after a '---' line)",
                    "zferry reads one document: remove the '---' line and merge the two")));
      }
    } catch (JsonProcessingException e) {
      throw new ConfigException(sourceName, List.of(syntaxProblem(e)));
    } catch (IOException e) {
      throw new UncheckedIOException("reading YAML from a string", e);
    }
    if (root == null || root.isMissingNode() || root.isNull()) {
      throw single(sourceName, "the file is empty", "start from " + SAMPLE);
    }
    if (!root.isObject()) {
      throw single(
          sourceName,
          "the top level is not a mapping of keys (" + Values.describe(root) + ")",
          "write the sections cluster:, nodes: and services: at the start of their lines");
    }
    List<ConfigProblem> problems = new ArrayList<>();
    ZferryConfig config =
        new Reader(YamlSection.root((ObjectNode) root, problems), problems).read();
    if (!problems.isEmpty()) {
      throw new ConfigException(sourceName, inFileOrder(problems, root));
    }
    if (config == null) {
      throw new IllegalStateException("a value failed to read without a problem being reported");
    }
    return config;
  }

  /**
   * The problems grouped by top-level section in the order the sections appear in the file, so that
   * an operator can work down the file; within a section they stay in the order found.
   */
  private static List<ConfigProblem> inFileOrder(List<ConfigProblem> problems, JsonNode root) {
    List<String> sections = new ArrayList<>();
    root.fieldNames().forEachRemaining(sections::add);
    List<ConfigProblem> sorted = new ArrayList<>(problems);
    sorted.sort(
        Comparator.comparingInt(
            problem -> {
              String section = problem.path().split("[.\\[]", 2)[0];
              int index = sections.indexOf(section);
              return index < 0 ? Integer.MAX_VALUE : index;
            }));
    return sorted;
  }

  private static ConfigException single(String source, String problem, String fix) {
    return new ConfigException(source, List.of(new ConfigProblem("", problem, fix)));
  }

  // Jackson deprecates its MarkedYAMLException in favour of JsonLocation, but that location is the
  // token Jackson was reading, which can be a line before the character SnakeYAML refused (a tab,
  // for one). The wrapper is the only way to SnakeYAML's position without depending on SnakeYAML.
  @SuppressWarnings("deprecation")
  private static ConfigProblem syntaxProblem(JsonProcessingException e) {
    String where;
    String message;
    if (e instanceof MarkedYAMLException marked && marked.getProblemMark() != null) {
      Mark mark = marked.getProblemMark(); // counts from 0
      where = position(mark.getLine() + 1, mark.getColumn() + 1);
      message =
          marked.getProblem()
              + (marked.getContext() == null ? "" : " (" + marked.getContext() + ")");
    } else {
      JsonLocation location = e.getLocation();
      where =
          location == null || location.getLineNr() < 1
              ? ""
              : position(location.getLineNr(), location.getColumnNr());
      message = e.getOriginalMessage() == null ? e.toString() : e.getOriginalMessage();
    }
    // One line per problem, whatever the parser's message looked like, and no parser internals.
    message =
        message
            .replaceAll("\\s*\\n\\s*", "; ")
            .replaceAll("<org\\.yaml\\.snakeyaml\\.events\\.(\\w+)Event\\([^>]*\\)>", "$1")
            .strip();
    if (message.startsWith("Duplicate field")) {
      return new ConfigProblem(
          where,
          message.replace("Duplicate field", "the key") + " appears twice in one mapping",
          "keep one of the two; the second would silently replace the first");
    }
    return new ConfigProblem(
        where,
        "the YAML cannot be read: " + message,
        "fix the syntax there: indent with spaces, not tabs, and quote values that contain ': '"
            + " or ' #'");
  }

  private static String position(int line, int column) {
    return "line " + line + ", column " + column;
  }

  /** One pass over the tree; collects problems instead of stopping at the first. */
  private static final class Reader {
    private final YamlSection top;
    private final List<ConfigProblem> problems;
    // What could be read of each node and service entry, even of those that could not be built;
    // null for an entry that is not a mapping.
    private final List<ConfigRules.NodeFacts> nodeFacts = new ArrayList<>();
    private final List<ConfigRules.ServiceFacts> serviceFacts = new ArrayList<>();

    // Read with the cluster section, before the services whose keys it constrains.
    private ClusterManager manager = ClusterManager.ZFERRY;

    Reader(YamlSection top, List<ConfigProblem> problems) {
      this.top = top;
      this.problems = problems;
    }

    /** The configuration, or null if any problem was found. */
    ZferryConfig read() {
      ClusterConfig cluster = orNull(top.section("cluster"), this::cluster);
      SshConfig ssh = orNull(top.section("ssh"), this::ssh);
      ApiConfig api = orNull(top.section("api"), this::api);
      StateConfig state = orNull(top.section("state"), this::state);
      Optional<WitnessConfig> witness =
          top.has("witness")
              ? Optional.ofNullable(orNull(top.section("witness"), this::witness))
              : Optional.empty();
      boolean witnessValid = !top.has("witness") || witness.isPresent();
      if (cluster != null && witness.isPresent()) {
        Duration least = cluster.heartbeatInterval().multipliedBy(2);
        if (witness.get().safetyMargin().compareTo(least) < 0) {
          // The control step that notices the lapse runs once per heartbeat interval.
          problems.add(
              new ConfigProblem(
                  "witness.safetyMargin",
                  DurationText.format(witness.get().safetyMargin())
                      + " is shorter than 2 heartbeat intervals ("
                      + DurationText.format(least)
                      + "), so the active might notice its lapsed lease only after it expired",
                  "raise witness.safetyMargin to at least "
                      + DurationText.format(least)
                      + " or lower cluster.heartbeatInterval"));
          witnessValid = false;
        }
      }
      YamlSection defaultsSection = top.section("defaults");
      Settings defaults =
          defaultsSection == null ? null : settings(defaultsSection, Settings.DEFAULTS);
      int defaultApiPort = api == null ? ApiConfig.DEFAULT_PORT : api.port();
      List<NodeConfig> nodes = entries(top.sections("nodes"), s -> node(s, defaultApiPort));
      List<ServiceConfig> services = entries(top.sections("services"), s -> service(s, defaults));
      top.finish();
      if (manager == ClusterManager.PACEMAKER && top.has("witness")) {
        top.problem(
            "witness",
            UNDER_PACEMAKER
                + "quorum is corosync's (add a qdevice for a tie-breaker), not an etcd witness's",
            "remove witness:");
      }
      if (nodes != null && services != null) {
        problems.addAll(ConfigRules.check(manager, nodeFacts, serviceFacts));
      }
      if (!problems.isEmpty()
          || !witnessValid
          || !present(cluster, ssh, api, state, defaults, nodes, services)) {
        return null;
      }
      return new ZferryConfig(cluster, ssh, nodes, services, defaults, api, state, witness);
    }

    /**
     * Under Pacemaker, VIPs are {@code IPaddr2} resources and fencing is STONITH: zferry's own
     * would act beside them, unseen by the cluster that decides.
     */
    private void refuseWhatPacemakerDoes(YamlSection service) {
      if (service.has("vips")) {
        service.problem(
            "vips",
            UNDER_PACEMAKER + "the VIPs are IPaddr2 resources ordered after the promotion",
            "remove vips: and create one ocf:heartbeat:IPaddr2 resource per VIP, colocated with"
                + " and started after the promoted zferry instance (docs/pacemaker.md)");
      }
      if (service.has("fencing")) {
        service.problem(
            "fencing",
            UNDER_PACEMAKER + "Pacemaker fences with STONITH before it promotes another node",
            "remove fencing: and configure a stonith resource in Pacemaker (docs/pacemaker.md)");
      }
    }

    private WitnessConfig witness(YamlSection s) {
      List<URI> endpoints =
          s.requiredList(
              "endpoints",
              Values.text(value -> WitnessConfig.requireEndpoint(null, value)),
              "list the etcd members' client URLs, such as [http://10.0.0.3:2379], or remove"
                  + " witness:");
      Duration ttl =
          s.optional("ttl", WitnessConfig.DEFAULT_TTL, Values.duration(WitnessConfig.TTL_RANGE));
      Duration margin =
          s.optional(
              "safetyMargin",
              WitnessConfig.DEFAULT_SAFETY_MARGIN,
              Values.duration(WitnessConfig.MARGIN_RANGE));
      s.finish();
      return present(endpoints, ttl, margin)
          ? s.build(() -> new WitnessConfig(endpoints, ttl, margin))
          : null;
    }

    private ClusterConfig cluster(YamlSection s) {
      String name =
          s.required(
              "name",
              Values.text(value -> Checks.name(null, "cluster", value)),
              "name the cluster, such as 'storage'; it is shown in the GUI, the CLI and metrics");
      Duration interval =
          s.optional(
              "heartbeatInterval",
              ClusterConfig.DEFAULT_HEARTBEAT_INTERVAL,
              Values.duration(ClusterConfig.HEARTBEAT_INTERVAL_RANGE));
      Duration timeout =
          s.optional(
              "heartbeatTimeout",
              ClusterConfig.DEFAULT_HEARTBEAT_TIMEOUT,
              Values.duration(ClusterConfig.HEARTBEAT_TIMEOUT_RANGE));
      List<String> pingTargets =
          s.optionalList(
              "pingTargets", Values.text(value -> ClusterConfig.requirePingTarget(null, value)));
      String manager =
          s.optional(
              "manager",
              ClusterManager.ZFERRY.yamlName(),
              Values.oneOf(ClusterManager.yamlNames()));
      s.finish();
      if (manager != null) {
        this.manager = ClusterManager.of(manager);
      }
      return present(name, interval, timeout, pingTargets, manager)
          ? s.build(() -> new ClusterConfig(name, interval, timeout, pingTargets, this.manager))
          : null;
    }

    private SshConfig ssh(YamlSection s) {
      Path privateKey =
          s.optional("privateKey", SshConfig.DEFAULT_PRIVATE_KEY, Values.absolutePath());
      Path knownHosts =
          s.optional("knownHosts", SshConfig.DEFAULT_KNOWN_HOSTS, Values.absolutePath());
      String user =
          s.optional(
              "user",
              SshConfig.DEFAULT_USER,
              Values.text(value -> SshConfig.requireUser(null, value)));
      String streamClient =
          s.optional(
              "streamClient",
              SshConfig.DEFAULT_STREAM_CLIENT.text(),
              Values.oneOf(
                  Arrays.stream(SshConfig.StreamClient.values())
                      .map(SshConfig.StreamClient::text)
                      .toList()));
      s.finish();
      return present(privateKey, knownHosts, user, streamClient)
          ? s.build(
              () ->
                  new SshConfig(
                      privateKey, knownHosts, user, SshConfig.StreamClient.parse(streamClient)))
          : null;
    }

    private ApiConfig api(YamlSection s) {
      Integer port = s.optional("port", ApiConfig.DEFAULT_PORT, Values.integer(IntRange.TCP_PORT));
      String bindAddress =
          s.optional(
              "bindAddress",
              ApiConfig.DEFAULT_BIND_ADDRESS,
              Values.text(value -> ApiConfig.requireBindAddress(null, value)));
      // TLS is on unless switched off by name: a node that forgets the key is not left speaking
      // plain HTTP, with the peer's token in clear, to whoever answers on the peer's address.
      boolean tlsOff = s.switchedOff("tls");
      Optional<TlsConfig> tls =
          tlsOff ? Optional.empty() : Optional.ofNullable(orNull(s.section("tls"), this::tls));
      boolean tlsValid = tlsOff || tls.isPresent();
      Path tokensFile =
          s.optional("tokensFile", ApiConfig.DEFAULT_TOKENS_FILE, Values.absolutePath());
      List<ApiUser> users = complete(entries(s.sections("users"), this::user));
      s.finish();
      return tlsValid && present(port, bindAddress, tokensFile, users)
          ? s.build(() -> new ApiConfig(port, bindAddress, tls, tokensFile, users))
          : null;
    }

    private TlsConfig tls(YamlSection s) {
      TlsConfig defaults = TlsConfig.DEFAULTS;
      Path certificate = s.optional("certificate", defaults.certificate(), Values.absolutePath());
      Path privateKey = s.optional("privateKey", defaults.privateKey(), Values.absolutePath());
      Path peerCertificate =
          s.optional(
              "peerCertificate", defaults.peerCertificate().orElseThrow(), Values.absolutePath());
      s.finish();
      return present(certificate, privateKey, peerCertificate)
          ? s.build(() -> new TlsConfig(certificate, privateKey, Optional.of(peerCertificate)))
          : null;
    }

    private ApiUser user(YamlSection s) {
      if (s == null) {
        return null;
      }
      String name =
          s.required(
              "name",
              Values.text(value -> ApiUser.requireName(null, value)),
              "give the login name");
      String hash =
          s.required(
              "passwordHash",
              Values.text(value -> ApiUser.requirePasswordHash(null, value)),
              ApiUser.HASH_FIX);
      String role =
          s.optional(
              "role",
              Role.VIEWER.text(),
              Values.oneOf(ApiUser.ROLES.stream().map(Role::text).toList()));
      s.finish();
      return present(name, hash, role)
          ? s.build(() -> new ApiUser(name, hash, Role.parse(role).orElseThrow()))
          : null;
    }

    private StateConfig state(YamlSection s) {
      Path database = s.optional("database", StateConfig.DEFAULT_DATABASE, Values.absolutePath());
      s.finish();
      return present(database) ? s.build(() -> new StateConfig(database)) : null;
    }

    /** Settings where every key not given falls back to {@code base}. */
    private Settings settings(YamlSection s, Settings base) {
      Duration snapshotInterval =
          s.optional(
              "snapshotInterval",
              base.snapshotInterval(),
              Values.duration(Settings.SNAPSHOT_INTERVAL_RANGE));
      Integer retentionCount =
          s.optional(
              "retentionCount",
              base.retentionCount(),
              Values.integer(Settings.RETENTION_COUNT_RANGE));
      Duration pullInterval =
          s.optional(
              "pullInterval", base.pullInterval(), Values.duration(Settings.PULL_INTERVAL_RANGE));
      Duration stallTimeout =
          s.optional(
              "stallTimeout", base.stallTimeout(), Values.duration(Settings.STALL_TIMEOUT_RANGE));
      Long bandwidthLimit =
          s.optional("bandwidthLimit", base.bandwidthLimitBytesPerSecond(), Values.byteRate());
      Duration passiveHold =
          s.optional(
              "passiveHold", base.passiveHold(), Values.duration(Settings.PASSIVE_HOLD_RANGE));
      s.finish();
      return present(
              snapshotInterval,
              retentionCount,
              pullInterval,
              stallTimeout,
              bandwidthLimit,
              passiveHold)
          ? s.build(
              () ->
                  new Settings(
                      snapshotInterval,
                      retentionCount,
                      pullInterval,
                      stallTimeout,
                      bandwidthLimit,
                      passiveHold))
          : null;
    }

    /** Reads one entry of nodes; {@code s} is null for an entry that is not a mapping. */
    private NodeConfig node(YamlSection s, int defaultApiPort) {
      if (s == null) {
        nodeFacts.add(null);
        return null;
      }
      NodeName name =
          s.required(
              "name", Values.nodeName(), "name the node, such as node-a (" + NodeName.RULE + ")");
      String address =
          s.required(
              "address",
              Values.text(value -> NodeConfig.requireAddress(null, value)),
              "give the address the peer reaches this node at, such as 10.99.0.11");
      Integer sshPort =
          s.optional("sshPort", NodeConfig.DEFAULT_SSH_PORT, Values.integer(IntRange.TCP_PORT));
      Integer apiPort = s.optional("apiPort", defaultApiPort, Values.integer(IntRange.TCP_PORT));
      // An off-site passive's own pace: read only when set, so an absent key is the service's.
      boolean ownInterval = s.has("pullInterval");
      Duration pullInterval =
          s.optional("pullInterval", null, Values.duration(Settings.PULL_INTERVAL_RANGE));
      boolean ownLimit = s.has("bandwidthLimit");
      Long bandwidthLimit = s.optional("bandwidthLimit", null, Values.byteRate());
      nodeFacts.add(new ConfigRules.NodeFacts(name, address, sshPort, apiPort));
      s.finish();
      return present(name, address, sshPort, apiPort)
              && (!ownInterval || pullInterval != null)
              && (!ownLimit || bandwidthLimit != null)
          ? s.build(
              () ->
                  new NodeConfig(
                      name,
                      address,
                      sshPort,
                      apiPort,
                      Optional.ofNullable(pullInterval),
                      bandwidthLimit == null
                          ? java.util.OptionalLong.empty()
                          : java.util.OptionalLong.of(bandwidthLimit)))
          : null;
    }

    /**
     * @param defaults the cluster defaults, or null if they are invalid; the service's own settings
     *     are still checked against the built-in defaults then
     */
    private ServiceConfig service(YamlSection s, Settings defaults) {
      if (s == null) {
        serviceFacts.add(null);
        return null;
      }
      ServiceName name =
          s.required(
              "name",
              Values.serviceName(),
              "name the service, such as tank (" + ServiceName.RULE + ")");
      DatasetName pool =
          s.required(
              "pool",
              Values.text(value -> ServiceConfig.parsePool(null, value)),
              "give the ZFS pool this service replicates, such as tank");
      NodeName preferredNode =
          s.required(
              "preferredNode",
              Values.nodeName(),
              "name the node that should run the service when neither says otherwise");
      List<Vip> vipEntries = entries(s.sections("vips"), this::vip);
      serviceFacts.add(new ConfigRules.ServiceFacts(name, pool, preferredNode, vipEntries));
      List<Vip> vips = complete(vipEntries);
      Hooks hooks = orNull(s.section("hooks"), this::hooks);
      FencingPolicy fencing = orNull(s.section("fencing"), this::fencing);
      if (manager == ClusterManager.PACEMAKER) {
        refuseWhatPacemakerDoes(s);
      }
      YamlSection replicationSection = s.section("replication");
      Replication replication =
          replicationSection == null ? Replication.DEFAULTS : replication(replicationSection);
      YamlSection settingsSection = s.section("settings");
      Settings settings =
          settingsSection == null
              ? null
              : settings(settingsSection, defaults == null ? Settings.DEFAULTS : defaults);
      s.finish();
      return defaults != null
              && present(name, pool, preferredNode, vips, hooks, fencing, settings, replication)
          ? s.build(
              () ->
                  new ServiceConfig(
                      name,
                      pool,
                      preferredNode,
                      vips,
                      hooks,
                      fencing,
                      settings,
                      replication.raw(),
                      replication.wireCompression()))
          : null;
    }

    private Vip vip(YamlSection s) {
      if (s == null) {
        return null;
      }
      String cidr =
          s.required("cidr", Values.text(value -> Vip.requireCidr(null, value)), Vip.CIDR_FIX);
      String interfaceName =
          s.required(
              "interface",
              Values.text(value -> Vip.requireInterface(null, value)),
              "give the network interface the VIP is added to, such as eth0");
      s.finish();
      return present(cidr, interfaceName) ? s.build(() -> new Vip(cidr, interfaceName)) : null;
    }

    /** {@code services[].replication}. */
    private record Replication(boolean raw, WireCompression.Mode wireCompression) {
      static final Replication DEFAULTS = new Replication(false, WireCompression.Mode.AUTO);
    }

    /** {@code services[].replication}; null if a value is invalid. */
    private Replication replication(YamlSection s) {
      Boolean raw = s.optional("raw", false, Values.bool());
      String compression =
          s.optional("wireCompression", "auto", Values.oneOf(List.of("auto", "zstd", "off")));
      s.finish();
      return present(raw, compression)
          ? s.build(() -> new Replication(raw, WireCompression.Mode.parse(compression)))
          : null;
    }

    private Hooks hooks(YamlSection s) {
      List<Path> start = s.optionalList("start", Values.absolutePath());
      List<Path> stop = s.optionalList("stop", Values.absolutePath());
      Duration timeout =
          s.optional("timeout", Hooks.DEFAULT_TIMEOUT, Values.duration(Hooks.TIMEOUT_RANGE));
      s.finish();
      return present(start, stop, timeout) ? s.build(() -> new Hooks(start, stop, timeout)) : null;
    }

    private FencingPolicy fencing(YamlSection s) {
      String policy =
          s.optional("policy", "manual", Values.oneOf(List.of("command", "ignore", "manual")));
      FencingPolicy result = null;
      if ("command".equals(policy)) {
        List<String> argv =
            s.requiredList(
                "command",
                Values.text(),
                "give the fence command and its arguments as a list, such as"
                    + " [/usr/local/sbin/fence-peer, --off], or choose another policy");
        Duration timeout =
            s.optional(
                "timeout",
                FencingPolicy.Command.DEFAULT_TIMEOUT,
                Values.duration(FencingPolicy.Command.TIMEOUT_RANGE));
        result =
            present(argv, timeout) ? s.build(() -> new FencingPolicy.Command(argv, timeout)) : null;
      } else if (policy != null) {
        for (String key : List.of("command", "timeout")) {
          if (s.has(key)) {
            s.problem(
                key,
                "is only used with policy: command, but the policy is " + policy,
                "remove it, or set policy: command");
          }
        }
        if (policy.equals("ignore") && !top.has("witness")) {
          // Design §5 rule 8: in a symmetric partition both nodes would serve.
          s.problem(
              "policy",
              "ignore takes over without fencing, and without a witness two nodes cannot tell a"
                  + " dead peer from a cut link: in a partition both would serve",
              "add a witness: section (etcd endpoints), or set policy: command with a fence"
                  + " command (or manual)");
        } else {
          result =
              policy.equals("ignore") ? new FencingPolicy.Ignore() : new FencingPolicy.Manual();
        }
      }
      s.finish();
      return result;
    }
  }

  private static final String UNDER_PACEMAKER = "with cluster.manager: pacemaker ";

  private static <T> T orNull(YamlSection section, Function<YamlSection, T> read) {
    return section == null ? null : read.apply(section);
  }

  /**
   * Reads each entry; null if the list itself is bad. An entry that is not a mapping reaches {@code
   * read} as null; bad entries stay as null in the result.
   */
  private static <T> List<T> entries(List<YamlSection> sections, Function<YamlSection, T> read) {
    if (sections == null) {
      return null;
    }
    List<T> result = new ArrayList<>();
    for (YamlSection section : sections) {
      result.add(read.apply(section));
    }
    return result;
  }

  /** The list if every entry could be read, else null (the bad entries were reported). */
  private static <T> List<T> complete(List<T> entries) {
    return entries == null || entries.contains(null) ? null : entries;
  }
}
