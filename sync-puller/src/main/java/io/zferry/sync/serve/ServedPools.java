package io.zferry.sync.serve;

import io.zferry.snapshot.zfs.DatasetName;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/**
 * The pools {@code zferry serve} may send from: those of the services in the serving node's own
 * configuration ({@code services[].pool}), read when serve starts. The full configuration is
 * zferryd's to check (ConfigLoader); serve reads only this, with the YAML parser alone, so that it
 * stays a small program. A configuration it cannot read serves nothing.
 */
public final class ServedPools {
  public static final Path DEFAULT_CONFIG = Path.of("/etc/zferry/zferry.yaml");
  // A configuration is a few kB; anything near this is not one.
  private static final int MAX_CONFIG_CODE_POINTS = 4 * 1024 * 1024;

  private final Set<String> pools;

  public ServedPools(Set<String> pools) {
    this.pools = Collections.unmodifiableSortedSet(new TreeSet<>(pools));
  }

  /**
   * @throws IllegalArgumentException naming the file and what is wrong: missing, unreadable, not
   *     YAML, or no service with a valid pool
   */
  public static ServedPools read(Path config) {
    LoaderOptions options = new LoaderOptions();
    options.setAllowDuplicateKeys(false);
    options.setMaxAliasesForCollections(10);
    options.setCodePointLimit(MAX_CONFIG_CODE_POINTS);
    Object document;
    try (Reader reader = Files.newBufferedReader(config, StandardCharsets.UTF_8)) {
      document = new Yaml(new SafeConstructor(options)).load(reader);
    } catch (NoSuchFileException e) {
      throw new IllegalArgumentException(config + " does not exist");
    } catch (IOException e) {
      throw new IllegalArgumentException("cannot read " + config + ": " + e.getMessage());
    } catch (RuntimeException e) {
      // SnakeYAML's own exceptions: the message names the line, never more than the file holds.
      throw new IllegalArgumentException(config + " is not valid YAML");
    }
    Set<String> pools = new TreeSet<>();
    if (document instanceof Map<?, ?> top && top.get("services") instanceof List<?> services) {
      for (Object service : services) {
        if (service instanceof Map<?, ?> fields && fields.get("pool") instanceof String pool) {
          DatasetName name = DatasetName.of(pool);
          if (name.value().equals(name.pool())) {
            pools.add(pool);
          }
        }
      }
    }
    if (pools.isEmpty()) {
      throw new IllegalArgumentException(config + " names no service pool (services[].pool)");
    }
    return new ServedPools(pools);
  }

  /** Whether {@code dataset} is one of the pools or inside one. */
  public boolean serves(DatasetName dataset) {
    return pools.contains(dataset.pool());
  }

  /** Such as {@code tank, data}. */
  public String describe() {
    return String.join(", ", pools);
  }

  public Set<String> pools() {
    return pools;
  }
}
