package io.zferry.lab;

import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * Brings the OpenZFS VMs up once per test JVM (the {@code ozlab} script builds the image first if
 * its recipe changed, under the lab's lock), boots a node again that a previous class left powered
 * off, takes the VMs down when the JVM's tests are done, and injects {@link OpenZfsLab}:
 * {@code @ExtendWith(OpenZfsLabExtension.class)} then an {@code OpenZfsLab lab} parameter. The
 * version comes from {@code -Dzferry.openzfs=2.1|2.3}; {@code -Dzferry.ozlab.keep=true} leaves the
 * VMs up after the run.
 */
public final class OpenZfsLabExtension implements BeforeAllCallback, ParameterResolver {
  private static final ExtensionContext.Namespace NAMESPACE =
      ExtensionContext.Namespace.create(OpenZfsLabExtension.class);

  @Override
  public void beforeAll(ExtensionContext context) {
    OpenZfsLab running =
        context.getRoot().getStore(NAMESPACE).get(OpenZfsLab.class, OpenZfsLab.class);
    if (running == null) {
      lab(context);
    } else {
      // A class that failed half-way may have left a node powered off (a power-loss test does
      // that on purpose): each later class starts with both VMs up. A no-op when they are.
      running.ensureUp();
    }
  }

  @Override
  public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
    return parameter.getParameter().getType() == OpenZfsLab.class;
  }

  @Override
  public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
    return lab(context);
  }

  private static OpenZfsLab lab(ExtensionContext context) {
    return context
        .getRoot()
        .getStore(NAMESPACE)
        .computeIfAbsent(OpenZfsLab.class, key -> OpenZfsLab.up(), OpenZfsLab.class);
  }
}
