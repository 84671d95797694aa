package io.zferry.service.operations;

import java.util.List;

/**
 * What mark-sync-as-fixed did on the node that held divergent data.
 *
 * @param node that node
 * @param keptAside datasets holding its data from after the last common snapshot
 * @param notes what else the operator should know, such as data that had no room to be kept
 * @param summary the pull's summary
 */
public record ResyncResult(
    String node, List<String> keptAside, List<String> notes, String summary) {
  public ResyncResult {
    keptAside = List.copyOf(keptAside);
    notes = List.copyOf(notes);
  }
}
