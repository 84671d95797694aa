package io.zferry.service.daemon;

import io.zferry.service.api.ApiProblem;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Settings as stored (by this node, or sent by the peer), checked again with the rules a change
 * from the GUI meets. A value stored by an older zferryd, or by a peer with other ranges, must not
 * stop this one from starting: it is reported and left out, and the configured value stays.
 *
 * @param valid the values that pass, in canonical form
 * @param problems one line per value left out: the key, the value, and why
 */
record StoredSettings(Map<String, String> valid, List<String> problems) {
  StoredSettings {
    valid = Map.copyOf(valid);
    problems = List.copyOf(problems);
  }

  /** Checks each value on its own, so one bad value leaves the others in force. */
  static StoredSettings check(Map<String, String> stored) {
    Map<String, String> valid = new LinkedHashMap<>();
    List<String> problems = new ArrayList<>();
    if (stored == null) {
      return new StoredSettings(valid, problems);
    }
    stored.forEach(
        (key, value) -> {
          if (value == null) {
            problems.add(key + " has no value");
            return;
          }
          RuntimeSettings.Change alone =
              switch (key) {
                case RuntimeSettings.SNAPSHOT_INTERVAL ->
                    new RuntimeSettings.Change(null, value, null, null);
                case RuntimeSettings.RETENTION_COUNT ->
                    new RuntimeSettings.Change(null, null, value, null);
                case RuntimeSettings.PULL_INTERVAL ->
                    new RuntimeSettings.Change(null, null, null, value);
                default -> null;
              };
          if (alone == null) {
            problems.add(
                key
                    + " is not a setting that can be changed at run time (only "
                    + RuntimeSettings.SNAPSHOT_INTERVAL
                    + ", "
                    + RuntimeSettings.RETENTION_COUNT
                    + ", "
                    + RuntimeSettings.PULL_INTERVAL
                    + ")");
            return;
          }
          try {
            valid.putAll(alone.values());
          } catch (ApiProblem e) {
            problems.add(key + "=" + value + ": " + e.error().substring(key.length() + 2));
          }
        });
    return new StoredSettings(valid, problems);
  }
}
