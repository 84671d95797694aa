package io.zferry.service.logging;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.Configurator;
import ch.qos.logback.classic.spi.ConfiguratorRank;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.spi.ContextAwareBase;
import java.util.Map;

/**
 * zferry's logging, set up in code: one line per event on stdout (under systemd, the journal), at
 * the level of {@code ZFERRY_LOG_LEVEL} (INFO by default), the chattiest libraries at WARN.
 *
 * <p>In code rather than in a logback.xml because reading one loads logback's XML configurator,
 * about 250 classes and a parse: 0.3 to 0.6 s of every start of zferryd, which systemd waits for.
 * An operator's own file still wins: with {@code -Dlogback.configurationFile=FILE}, or a
 * logback-test.xml on the class path, logback reads that instead.
 */
@ConfiguratorRank(ConfiguratorRank.CUSTOM_NORMAL_PRIORITY)
public final class LogSetup extends ContextAwareBase implements Configurator {
  static final String PATTERN =
      "%d{yyyy-MM-dd'T'HH:mm:ss.SSSX,UTC} %-5level [%thread] %logger{24} - %msg%n";

  /** Libraries whose INFO lines say nothing an operator needs. */
  static final Map<String, Level> QUIET =
      Map.of(
          "org.eclipse.jetty", Level.WARN,
          "io.javalin", Level.WARN,
          "net.schmizz", Level.WARN,
          "com.hierynomus", Level.WARN,
          "org.quartz", Level.WARN);

  @Override
  public ExecutionStatus configure(LoggerContext context) {
    if (System.getProperty("logback.configurationFile") != null
        || LogSetup.class.getClassLoader().getResource("logback-test.xml") != null) {
      return ExecutionStatus.INVOKE_NEXT_IF_ANY;
    }
    PatternLayoutEncoder encoder = new PatternLayoutEncoder();
    encoder.setContext(context);
    encoder.setPattern(PATTERN);
    encoder.start();
    ConsoleAppender<ILoggingEvent> stdout = new ConsoleAppender<>();
    stdout.setContext(context);
    stdout.setName("stdout");
    stdout.setEncoder(encoder);
    stdout.start();
    ch.qos.logback.classic.Logger root = context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    root.setLevel(level(System.getenv("ZFERRY_LOG_LEVEL")));
    root.addAppender(stdout);
    QUIET.forEach((name, level) -> context.getLogger(name).setLevel(level));
    return ExecutionStatus.DO_NOT_INVOKE_NEXT_IF_ANY;
  }

  /** The root level an operator asked for; INFO when unset or not a level. */
  static Level level(String asked) {
    return asked == null || asked.isBlank() ? Level.INFO : Level.toLevel(asked.strip(), Level.INFO);
  }
}
