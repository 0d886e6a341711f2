package io.swarmcore.bench;

import io.swarmcore.crypto.vrf.Vrf;
import io.swarmcore.crypto.vrf.VrfException;
import io.swarmcore.crypto.vrf.VrfKeyPair;
import io.swarmcore.crypto.vrf.VrfSuite;
import java.security.SecureRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/** RFC 9381 prove and verify per suite: time per operation. */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class VrfBenchmark {
  @Param({"P256_SHA256_TAI", "EDWARDS25519_SHA512_TAI"})
  public String suite;

  private Vrf vrf;
  private VrfKeyPair keys;
  private byte[] alpha;
  private byte[] pi;

  @Setup
  public void setUp() {
    vrf = VrfSuite.fromName(suite).vrf();
    keys = vrf.generate(new SecureRandom());
    alpha = "epoch seed input".getBytes(java.nio.charset.StandardCharsets.UTF_8);
    pi = vrf.prove(keys.secretKey(), alpha);
  }

  @Benchmark
  public byte[] prove() {
    return vrf.prove(keys.secretKey(), alpha);
  }

  @Benchmark
  public byte[] verify() throws VrfException {
    return vrf.verify(keys.publicKey(), alpha, pi);
  }
}
