package io.zferry.gui;

import java.util.Optional;

/** The people who may log in, as the node's configuration lists them. */
public interface GuiUsers {
  /** The stored PHC password hash of {@code name} (compared ignoring case), if there is one. */
  Optional<String> passwordHash(String name);

  /** True when nobody is configured: the login page then says how to add a user. */
  boolean none();
}
