package io.zferry.service.daemon;

import io.zferry.service.config.Vip;
import io.zferry.service.failover.VipControl;
import io.zferry.vip.AddressProbe;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The VIPs this node may hold, for the unit's {@code ExecStopPost=} helper ({@code
 * zferry-drop-vips}): when systemd has killed a frozen or crashed zferryd, nothing else takes its
 * addresses down before the peer may take over. One line per VIP, {@code SERVICE CIDR INTERFACE}; a
 * VIP is listed before it goes up and stays listed until it is down, so the file may name more than
 * the node holds (removing an absent address is harmless) but never less.
 */
final class HeldVipsFile {
  private static final Logger log = LoggerFactory.getLogger(HeldVipsFile.class);

  /** Beside the state database: {@code /var/lib/zferry/vips-held} as packaged. */
  static final String NAME = "vips-held";

  /** Replaces the file's content at once. */
  @FunctionalInterface
  interface Sink {
    void write(String text) throws IOException;
  }

  private final String where;
  private final Sink sink;
  private final Map<String, List<Vip>> held = new TreeMap<>();
  private String written;

  HeldVipsFile(Path file) {
    this(
        file.toString(),
        text -> {
          Path temporary = file.resolveSibling(file.getFileName() + ".new");
          Files.writeString(temporary, text, StandardCharsets.UTF_8);
          Files.move(temporary, file, StandardCopyOption.ATOMIC_MOVE);
        });
  }

  HeldVipsFile(String where, Sink sink) {
    this.where = where;
    this.sink = sink;
  }

  /** {@code vips} with every convergence recorded in this file. */
  VipControl recording(String service, List<Vip> vips, VipControl control) {
    return new VipControl() {
      @Override
      public Result converge(boolean hold, AddressProbe probe) {
        if (hold) {
          record(service, vips);
        }
        Result result = control.converge(hold, probe);
        if (!hold) {
          List<String> still = control.held();
          record(service, vips.stream().filter(v -> still.contains(v.cidr())).toList());
        }
        return result;
      }

      @Override
      public List<String> held() {
        return control.held();
      }
    };
  }

  synchronized void record(String service, List<Vip> vips) {
    if (vips.isEmpty()) {
      held.remove(service);
    } else {
      held.put(service, List.copyOf(vips));
    }
    String text = render(held);
    if (text.equals(written)) {
      return;
    }
    try {
      sink.write(text);
      written = text;
    } catch (IOException | RuntimeException e) {
      log.warn(
          "could not record the held VIPs in {} (systemd could not drop them should zferryd"
              + " freeze): {}",
          where,
          e.toString());
    }
  }

  /** The file's text: one {@code SERVICE CIDR INTERFACE} line per VIP, services in order. */
  static String render(Map<String, List<Vip>> held) {
    StringBuilder text = new StringBuilder();
    held.forEach(
        (service, vips) ->
            vips.forEach(
                v ->
                    text.append(service)
                        .append(' ')
                        .append(v.cidr())
                        .append(' ')
                        .append(v.interfaceName())
                        .append('\n')));
    return text.toString();
  }
}
