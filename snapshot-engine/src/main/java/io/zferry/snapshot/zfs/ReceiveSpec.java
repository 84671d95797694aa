package io.zferry.snapshot.zfs;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What one {@code zfs receive} does with the stream on its standard input.
 *
 * @param target the dataset the stream becomes
 * @param force {@code -F}: roll the target back to its newest snapshot first and, for -R streams,
 *     destroy snapshots and datasets the source no longer has
 * @param noMount {@code -u}: do not mount what is received (OpenZFS)
 * @param resumable {@code -s}: keep partial state and a resume token on interruption (OpenZFS)
 * @param setProperties {@code -o property=value}: set as if by {@code zfs set} before the receive,
 *     so a value the stream carries cannot replace it (OpenZFS)
 * @param excludedProperties {@code -x property}: the stream's value is ignored (OpenZFS)
 */
public record ReceiveSpec(
    DatasetName target,
    boolean force,
    boolean noMount,
    boolean resumable,
    Map<PropertyName, String> setProperties,
    List<PropertyName> excludedProperties) {
  public ReceiveSpec {
    setProperties = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(setProperties));
    excludedProperties = List.copyOf(excludedProperties);
    for (Map.Entry<PropertyName, String> entry : setProperties.entrySet()) {
      String value = entry.getValue();
      if (value.isEmpty() || value.chars().anyMatch(c -> c < 0x20 || c == 0x7f || c == '=')) {
        throw new IllegalArgumentException(
            "receive -o " + entry.getKey() + " needs a non-empty printable value without '='");
      }
    }
  }

  public ReceiveSpec(DatasetName target, boolean force, boolean noMount, boolean resumable) {
    this(target, force, noMount, resumable, Map.of(), List.of());
  }

  public static ReceiveSpec into(DatasetName target) {
    return new ReceiveSpec(target, false, false, false);
  }

  public ReceiveSpec forced() {
    return new ReceiveSpec(target, true, noMount, resumable, setProperties, excludedProperties);
  }

  /** {@code -s} where supported: an interrupted receive can be resumed instead of restarted. */
  public ReceiveSpec resumably() {
    return new ReceiveSpec(target, force, noMount, true, setProperties, excludedProperties);
  }

  /** {@code -u}: what arrives is not mounted by the receive. */
  public ReceiveSpec unmounted() {
    return new ReceiveSpec(target, force, true, resumable, setProperties, excludedProperties);
  }

  /** {@code -o property=value}. */
  public ReceiveSpec setting(PropertyName property, String value) {
    Map<PropertyName, String> set = new LinkedHashMap<>(setProperties);
    set.put(property, value);
    return new ReceiveSpec(target, force, noMount, resumable, set, excludedProperties);
  }

  /** {@code -x property}. */
  public ReceiveSpec excluding(PropertyName property) {
    List<PropertyName> excluded = new ArrayList<>(excludedProperties);
    excluded.add(property);
    return new ReceiveSpec(target, force, noMount, resumable, setProperties, excluded);
  }

  public ReceiveSpec supportedBy(Capabilities capabilities) {
    boolean properties = capabilities.receiveProperties();
    return new ReceiveSpec(
        target,
        force,
        noMount && capabilities.receiveNoMount(),
        resumable && capabilities.resumableReceive(),
        properties ? setProperties : Map.of(),
        properties ? excludedProperties : List.of());
  }

  /** The argv after {@code zfs}. */
  public List<String> arguments() {
    List<String> args = new ArrayList<>(List.of("receive"));
    if (force) {
      args.add("-F");
    }
    if (noMount) {
      args.add("-u");
    }
    if (resumable) {
      args.add("-s");
    }
    setProperties.forEach(
        (property, value) -> {
          args.add("-o");
          args.add(property + "=" + value);
        });
    for (PropertyName property : excludedProperties) {
      args.add("-x");
      args.add(property.toString());
    }
    args.add(target.toString());
    return args;
  }
}
