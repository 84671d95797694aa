package io.zferry.lab;

import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * Brings the lab up once per test JVM and down when the JVM's tests are done, and injects {@link
 * Lab} into tests: {@code @ExtendWith(LabExtension.class)} then a {@code Lab lab} parameter. Set
 * {@code -Dzferry.lab.keep=true} to leave it up for inspection after a failure.
 */
public final class LabExtension implements BeforeAllCallback, ParameterResolver {
  private static final ExtensionContext.Namespace NAMESPACE =
      ExtensionContext.Namespace.create(LabExtension.class);

  @Override
  public void beforeAll(ExtensionContext context) {
    lab(context);
  }

  @Override
  public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
    return parameter.getParameter().getType() == Lab.class;
  }

  @Override
  public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
    return lab(context);
  }

  private static Lab lab(ExtensionContext context) {
    return context
        .getRoot()
        .getStore(NAMESPACE)
        .computeIfAbsent(Lab.class, key -> Lab.up(), Lab.class);
  }
}
