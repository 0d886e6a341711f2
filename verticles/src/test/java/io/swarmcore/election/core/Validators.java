package io.swarmcore.election.core;

import io.swarmcore.crypto.SigningKey;
import io.swarmcore.crypto.vrf.VrfSuite;
import java.util.ArrayList;
import java.util.List;

/** Test validators with deterministic keys. */
final class Validators {
  private Validators() {}

  static Validator validator(String id, long stake) {
    byte[] seed = new byte[32];
    byte[] idBytes = id.getBytes(java.nio.charset.StandardCharsets.UTF_8);
    System.arraycopy(idBytes, 0, seed, 0, Math.min(idBytes.length, 32));
    byte[] vrfKey = new byte[33];
    vrfKey[0] = 2;
    vrfKey[1] = (byte) id.hashCode();
    return new Validator(
        id, SigningKey.fromSeed(seed).publicKey(), VrfSuite.P256_SHA256_TAI, vrfKey, stake, "");
  }

  static ValidatorSet set(long... stakes) {
    List<Validator> validators = new ArrayList<>();
    for (int i = 0; i < stakes.length; i++) {
      validators.add(validator(String.format("v%05d", i), stakes[i]));
    }
    return ValidatorSet.of(validators);
  }
}
