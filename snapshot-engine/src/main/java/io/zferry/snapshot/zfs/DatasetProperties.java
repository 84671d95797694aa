package io.zferry.snapshot.zfs;

import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Some properties of one filesystem or volume, as one listing read them ({@link
 * Zfs#listProperties}). A property the dataset does not have (ZFS shows {@code -}) is absent.
 */
public record DatasetProperties(DatasetName dataset, Map<PropertyName, String> values) {
  public DatasetProperties {
    Objects.requireNonNull(dataset, "dataset");
    values = Map.copyOf(values);
  }

  public Optional<String> get(PropertyName property) {
    return Optional.ofNullable(values.get(property));
  }

  /** Whether the property has exactly this value. */
  public boolean is(PropertyName property, String value) {
    return value.equals(values.get(property));
  }
}
