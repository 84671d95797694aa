package io.zferry.snapshot.host;

import java.io.InputStream;
import java.io.OutputStream;
import java.time.Duration;
import java.util.Objects;

/** A running command that passes everything to another; subclasses change what they must. */
public abstract class ForwardingRunningCommand implements RunningCommand {
  protected final RunningCommand delegate;

  protected ForwardingRunningCommand(RunningCommand delegate) {
    this.delegate = Objects.requireNonNull(delegate, "delegate");
  }

  @Override
  public Command command() {
    return delegate.command();
  }

  @Override
  public String host() {
    return delegate.host();
  }

  @Override
  public OutputStream stdin() {
    return delegate.stdin();
  }

  @Override
  public InputStream stdout() {
    return delegate.stdout();
  }

  @Override
  public CommandResult await(Duration timeout) {
    return delegate.await(timeout);
  }

  @Override
  public String stderrSoFar() {
    return delegate.stderrSoFar();
  }

  @Override
  public void kill() {
    delegate.kill();
  }

  @Override
  public void close() {
    delegate.close();
  }
}
