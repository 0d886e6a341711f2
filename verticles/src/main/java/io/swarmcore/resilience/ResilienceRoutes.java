package io.swarmcore.resilience;

import io.vertx.ext.web.Router;

/** {@code GET /health/resilience}: the manager's stats; 503 while a critical breaker is open. */
public final class ResilienceRoutes {
  public static final String PATH = "/health/resilience";

  private ResilienceRoutes() {}

  public static void mount(Router router, ResilienceManager manager) {
    router
        .get(PATH)
        .handler(
            context ->
                context
                    .response()
                    .setStatusCode(manager.criticalOpen() ? 503 : 200)
                    .putHeader("content-type", "application/json")
                    .end(manager.stats().encodePrettily()));
  }
}
