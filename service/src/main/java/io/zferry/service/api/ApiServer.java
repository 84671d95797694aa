package io.zferry.service.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.javalin.Javalin;
import io.zferry.service.status.HeartbeatView;
import io.zferry.service.status.StatusViews.NodeStatus;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** zferryd's HTTP API under {@code /api/v1}. */
public final class ApiServer implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(ApiServer.class);

  private final Javalin app;

  public ApiServer(
      String bindAddress,
      int port,
      Supplier<NodeStatus> status,
      Supplier<HeartbeatView> heartbeat) {
    ObjectMapper json = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    app =
        Javalin.create(
            config -> {
              config.jetty.host = bindAddress;
              config.jetty.port = port;
              config.startup.showJavalinBanner = false;
              config.routes.get(
                  "/api/v1/status",
                  ctx -> ctx.contentType("application/json").result(write(json, status.get())));
              config.routes.get(
                  "/api/v1/heartbeat",
                  ctx -> ctx.contentType("application/json").result(write(json, heartbeat.get())));
            });
  }

  public void start() {
    app.start();
    log.info("API listening on port {}", app.port());
  }

  public int port() {
    return app.port();
  }

  @Override
  public void close() {
    app.stop();
  }

  private static String write(ObjectMapper json, Object value) {
    try {
      return json.writeValueAsString(value);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("status could not be written as JSON", e);
    }
  }
}
