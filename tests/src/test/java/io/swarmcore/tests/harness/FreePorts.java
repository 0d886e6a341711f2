package io.swarmcore.tests.harness;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Ports that were free on 127.0.0.1 a moment ago, taken below the kernel's ephemeral range (32768
 * and up on Linux): a port the system handed out as ephemeral could be taken again by some outgoing
 * connection (Hazelcast opens many) before the node binds it.
 */
public final class FreePorts {
  private static final int FIRST = 20_000;
  private static final int LAST = 32_000;
  private static final AtomicInteger NEXT =
      new AtomicInteger(FIRST + ThreadLocalRandom.current().nextInt(LAST - FIRST));

  private FreePorts() {}

  public static int next() {
    for (int tries = 0; tries < LAST - FIRST; tries++) {
      int port = NEXT.getAndUpdate(p -> p + 1 >= LAST ? FIRST : p + 1);
      if (free(port)) {
        return port;
      }
    }
    throw new IllegalStateException("no free port on 127.0.0.1 in " + FIRST + ".." + LAST);
  }

  /** The first of {@code count} consecutive ports that were all free a moment ago. */
  public static int range(int count) {
    for (int tries = 0; tries < LAST - FIRST; tries++) {
      int first = NEXT.getAndUpdate(p -> p + count >= LAST ? FIRST : p + count);
      if (first + count <= LAST
          && java.util.stream.IntStream.range(first, first + count).allMatch(FreePorts::free)) {
        return first;
      }
    }
    throw new IllegalStateException("no " + count + " free ports in a row on 127.0.0.1");
  }

  private static boolean free(int port) {
    try (ServerSocket socket = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
      socket.setReuseAddress(true);
      return true;
    } catch (IOException e) {
      return false;
    }
  }
}
