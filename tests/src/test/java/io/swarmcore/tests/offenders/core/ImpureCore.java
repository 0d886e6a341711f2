package io.swarmcore.tests.offenders.core;

import java.util.Random;
import java.util.concurrent.Executors;

/** Breaks every pure-core rule on purpose, to prove the architecture test can fail. */
public final class ImpureCore {
  public long now() {
    return System.currentTimeMillis();
  }

  public int roll() {
    return new Random().nextInt();
  }

  public void background(Runnable task) {
    Executors.newSingleThreadExecutor().submit(task);
  }

  public io.vertx.core.json.JsonObject framework() {
    return new io.vertx.core.json.JsonObject();
  }
}
