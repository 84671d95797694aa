package io.zferry.vip;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads the JSON of {@code ip -j addr show [dev IFACE]} (iproute2): an array of interfaces, each
 * with {@code ifname} and an {@code addr_info} array whose entries carry {@code local}, {@code
 * prefixlen} and, for IPv6 during or after duplicate address detection, {@code tentative} and
 * {@code dadfailed} flags. Fields this class does not need are ignored.
 */
final class IpAddrJson {
  private static final ObjectMapper MAPPER = new ObjectMapper();

  private IpAddrJson() {}

  /**
   * All addresses of all interfaces in the output.
   *
   * @throws IllegalArgumentException if the text is not what iproute2 prints
   */
  static List<InterfaceAddress> parse(String json) {
    JsonNode root;
    try {
      root = MAPPER.readTree(json);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("not JSON: " + e.getOriginalMessage(), e);
    }
    if (root == null || !root.isArray()) {
      throw new IllegalArgumentException("expected a JSON array of interfaces");
    }
    List<InterfaceAddress> addresses = new ArrayList<>();
    for (JsonNode link : root) {
      // Older iproute2 prints {} for interfaces a filter left out.
      String ifname = link.path("ifname").asText("");
      if (ifname.isEmpty()) {
        continue;
      }
      for (JsonNode info : link.path("addr_info")) {
        String family = info.path("family").asText("");
        if (!family.equals("inet") && !family.equals("inet6")) {
          continue;
        }
        String local = info.path("local").asText("");
        var address =
            IpLiterals.parse(local)
                .orElseThrow(
                    () ->
                        new IllegalArgumentException(
                            "'"
                                + VirtualIp.printable(local)
                                + "' on "
                                + ifname
                                + " is no address"));
        JsonNode prefix = info.path("prefixlen");
        if (!prefix.canConvertToInt()) {
          throw new IllegalArgumentException(local + " on " + ifname + " has no prefixlen");
        }
        addresses.add(
            new InterfaceAddress(
                ifname,
                address,
                prefix.asInt(),
                info.path("tentative").asBoolean(false),
                info.path("dadfailed").asBoolean(false)));
      }
    }
    return List.copyOf(addresses);
  }
}
