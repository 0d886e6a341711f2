package io.swarmcore.benchmark;

import java.lang.management.ManagementFactory;
import java.time.Duration;

/** CPU time used by processes, as the operating system counts it (user and system). */
final class ProcessCpu {
  private ProcessCpu() {}

  static long thisProcessNanos() {
    if (ManagementFactory.getOperatingSystemMXBean()
        instanceof com.sun.management.OperatingSystemMXBean os) {
      return os.getProcessCpuTime();
    }
    return of(ProcessHandle.current());
  }

  /** The process's CPU time so far, or 0 if the system does not say. */
  static long of(ProcessHandle process) {
    return process.info().totalCpuDuration().map(Duration::toNanos).orElse(0L);
  }
}
