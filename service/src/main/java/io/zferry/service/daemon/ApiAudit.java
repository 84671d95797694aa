package io.zferry.service.daemon;

import io.zferry.lockstate.EventKind;
import io.zferry.lockstate.StateStore;
import io.zferry.service.api.AuditTrail;
import io.zferry.snapshot.zfs.ZfsNames;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The API's audit trail as zferryd keeps it: each entry is a line in the journal and an {@link
 * EventKind#ACCESS} event in the history, which the GUI shows. A refused path is quoted and cut
 * short, since whoever was refused chose it.
 */
final class ApiAudit implements AuditTrail {
  private static final Logger log = LoggerFactory.getLogger(ApiAudit.class);

  private final StateStore store;
  private final String self;
  private final Set<String> services;

  ApiAudit(StateStore store, String self, Set<String> services) {
    this.store = store;
    this.self = self;
    this.services = Set.copyOf(services);
  }

  @Override
  public void record(Entry entry) {
    String message = message(entry);
    if (entry.refused()) {
      log.warn("API call refused: {} by {}", message, entry.who());
    } else {
      log.info("API action: {} by {}", message, entry.who());
    }
    // A service the config does not have (a refused call may name anything) is not one.
    String service = entry.service().filter(services::contains).orElse(null);
    try {
      store.recordEvent(EventKind.ACCESS, service, self, entry.who(), message);
    } catch (RuntimeException e) {
      // The journal has it; the answer must not depend on the history's disk.
      log.warn("API audit: the event could not be stored: {}", e.getMessage());
    }
  }

  static String message(Entry entry) {
    String path = entry.refused() ? ZfsNames.printable(entry.path()) : entry.path();
    return entry.method()
        + " "
        + path
        + " from "
        + entry.from()
        + ": "
        + entry.status()
        + (entry.refused() ? " refused: " : " ")
        + entry.answer();
  }
}
