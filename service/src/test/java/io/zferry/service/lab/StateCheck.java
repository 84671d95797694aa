package io.zferry.service.lab;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.sqlite.SQLiteConfig;

/**
 * A node's state database as it is on disk, read-only beside the running daemon: the service's row
 * (owner, epoch, lock) and its event history, which must tell the same story.
 */
record StateCheck(
    String node, String activeNode, long epoch, boolean locked, List<RoleEvent> roleEvents) {

  /** A role change event with the owner and epoch it recorded. */
  record RoleEvent(long id, String activeNode, long epoch, String message) {}

  /** "epoch 0 -> 1" in a change of owner, "at epoch 3" when registered from the peer's state. */
  private static final Pattern NEW_EPOCH = Pattern.compile("epoch \\d+ -> (\\d+)|at epoch (\\d+)");

  static StateCheck read(String node, Path database, String service) {
    SQLiteConfig config = new SQLiteConfig();
    config.setReadOnly(true);
    config.setBusyTimeout(10_000);
    try (Connection c =
        DriverManager.getConnection("jdbc:sqlite:" + database, config.toProperties())) {
      String active;
      long epoch;
      boolean locked;
      try (PreparedStatement row =
          c.prepareStatement(
              "SELECT active_node, epoch, lock_reason FROM service_state WHERE service = ?")) {
        row.setString(1, service);
        try (ResultSet rows = row.executeQuery()) {
          assertThat(rows.next()).as(node + " has a state row for " + service).isTrue();
          active = rows.getString(1);
          epoch = rows.getLong(2);
          locked = rows.getString(3) != null;
        }
      }
      List<RoleEvent> roles = new ArrayList<>();
      Boolean lastLockEvent = null;
      try (PreparedStatement events =
          c.prepareStatement(
              "SELECT id, kind, node, message FROM event WHERE service = ? ORDER BY id")) {
        events.setString(1, service);
        try (ResultSet rows = events.executeQuery()) {
          while (rows.next()) {
            String kind = rows.getString(2);
            String message = rows.getString(4);
            if (kind.equals("ROLE_CHANGE")) {
              Matcher m = NEW_EPOCH.matcher(message);
              if (m.find()) {
                long to = Long.parseLong(m.group(1) != null ? m.group(1) : m.group(2));
                roles.add(new RoleEvent(rows.getLong(1), rows.getString(3), to, message));
              }
            } else if (kind.equals("SYNC_LOCKED")) {
              lastLockEvent = true;
            } else if (kind.equals("SYNC_UNLOCKED")) {
              lastLockEvent = false;
            }
          }
        }
      }
      StateCheck check = new StateCheck(node, active, epoch, locked, List.copyOf(roles));
      check.assertSelfConsistent(lastLockEvent);
      return check;
    } catch (SQLException e) {
      throw new AssertionError("cannot read " + node + "'s state database " + database, e);
    }
  }

  /** The row is what the events say it is: the last owner and epoch recorded, the last lock. */
  private void assertSelfConsistent(Boolean lastLockEvent) {
    String where = node + "'s state database";
    for (int i = 1; i < roleEvents.size(); i++) {
      assertThat(roleEvents.get(i).epoch())
          .as(where + ": role changes raise the epoch, in " + roleEvents)
          .isGreaterThan(roleEvents.get(i - 1).epoch());
    }
    if (roleEvents.isEmpty()) {
      assertThat(epoch).as(where + ": an epoch above 0 without a role change event").isZero();
    } else {
      RoleEvent last = roleEvents.get(roleEvents.size() - 1);
      assertThat(epoch)
          .as(where + ": the row's epoch against the last role change " + last)
          .isEqualTo(last.epoch());
      assertThat(activeNode)
          .as(where + ": the row's owner against the last role change " + last)
          .isEqualTo(last.activeNode());
    }
    assertThat(locked)
        .as(where + ": the row's lock against the last lock event")
        .isEqualTo(lastLockEvent != null && lastLockEvent);
  }

  /** Both nodes' records agree: same owner, same epoch, same lock. */
  static void assertAgree(StateCheck a, StateCheck b) {
    assertThat(List.of(b.activeNode(), b.epoch(), b.locked()))
        .as("state of " + b.node() + " against " + a.node() + " (owner, epoch, locked)")
        .isEqualTo(List.of(a.activeNode(), a.epoch(), a.locked()));
  }
}
