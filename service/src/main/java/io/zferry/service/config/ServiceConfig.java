package io.zferry.service.config;

import io.zferry.service.model.NodeName;
import io.zferry.service.model.ServiceName;
import io.zferry.snapshot.zfs.DatasetName;
import io.zferry.snapshot.zfs.InvalidNameException;
import io.zferry.sync.transfer.WireCompression;
import java.util.List;
import java.util.Objects;

/**
 * One clustered service: a pool with the same name on both nodes, the VIPs clients use to reach it,
 * and how it starts, stops and fails over.
 *
 * @param name the service's name in the CLI, the API and the GUI
 * @param pool the ZFS pool replicated as a whole (a pool, not a dataset inside one)
 * @param preferredNode the node that should run the service when the state store of neither node
 *     says otherwise, such as on the cluster's first start
 * @param vips the addresses that follow the service to its active node; may be empty
 * @param hooks executables run when the service starts or stops on a node
 * @param fencing whether the passive node may take over on its own when the active one is gone
 * @param settings the cluster defaults with this service's overrides applied
 * @param rawSends {@code replication.raw}: bootstrap every dataset with raw sends ({@code zfs send
 *     -w}), not only encrypted ones; a pair keeps the flags it was bootstrapped with, so a change
 *     reaches an existing dataset only at its next bootstrap
 * @param wireCompression {@code replication.wireCompression}: when streams are compressed on the
 *     wire
 */
public record ServiceConfig(
    ServiceName name,
    DatasetName pool,
    NodeName preferredNode,
    List<Vip> vips,
    Hooks hooks,
    FencingPolicy fencing,
    Settings settings,
    boolean rawSends,
    WireCompression.Mode wireCompression) {

  public ServiceConfig {
    Objects.requireNonNull(name, "name");
    requirePool("pool", pool);
    Objects.requireNonNull(preferredNode, "preferredNode");
    vips = List.copyOf(vips);
    Objects.requireNonNull(hooks, "hooks");
    Objects.requireNonNull(fencing, "fencing");
    Objects.requireNonNull(settings, "settings");
    Objects.requireNonNull(wireCompression, "wireCompression");
  }

  /**
   * Parses a pool name: a valid ZFS name without '/'. zferry replicates and fails over whole pools
   * because only a pool can be imported and exported on its own.
   */
  static DatasetName parsePool(String key, String text) {
    DatasetName name;
    try {
      name = DatasetName.of(text);
    } catch (InvalidNameException e) {
      throw new ConfigValueException(
          key, e.getMessage(), "use the name of the pool as `zpool list` shows it, such as tank");
    }
    return requirePool(key, name);
  }

  private static DatasetName requirePool(String key, DatasetName pool) {
    Objects.requireNonNull(pool, key);
    if (!pool.isPool()) {
      throw new ConfigValueException(
          key,
          "'" + pool + "' is a dataset inside a pool, not a pool",
          "name the whole pool, here '" + pool.pool() + "'; zferry replicates pools, not datasets");
    }
    return pool;
  }
}
