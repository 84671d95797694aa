package io.zferry.service.daemon;

import io.zferry.gui.GuiUsers;
import io.zferry.service.api.auth.Role;
import io.zferry.service.config.ApiUser;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/** The GUI's users as the config lists them; names match whatever their case. */
final class ConfiguredGuiUsers implements GuiUsers {
  private final List<ApiUser> users;

  ConfiguredGuiUsers(List<ApiUser> users) {
    this.users = List.copyOf(users);
  }

  @Override
  public Optional<String> passwordHash(String name) {
    return find(name).map(ApiUser::passwordHash);
  }

  /** What the user may do, or empty if no such user is configured. */
  Optional<Role> role(String name) {
    return find(name).map(ApiUser::role);
  }

  private Optional<ApiUser> find(String name) {
    return users.stream()
        .filter(u -> u.name().toLowerCase(Locale.ROOT).equals(name.toLowerCase(Locale.ROOT)))
        .findFirst();
  }

  @Override
  public boolean none() {
    return users.isEmpty();
  }
}
