package io.swarmcore.pbft.sim;

import com.google.protobuf.ByteString;
import io.swarmcore.pbft.core.ReplicaPorts;
import io.swarmcore.pbft.core.ViewChange;
import java.util.OptionalInt;
import java.util.SplittableRandom;

/**
 * The validators' simulated keys: a secret tag per validator, drawn from the run's seed. Each
 * replica signs with its own {@link #signer}; everyone checks with {@link #verifier}. A Byzantine
 * replica gets only its own signer, so anything it claims for another validator fails verification,
 * as a forged Ed25519 signature would.
 */
public final class SimKeys {
  /** The content of a signed vote. */
  public record Vote(String kind, long view, long sequence, ByteString digest) {}

  /** The content of a signed CHECKPOINT. */
  public record Checkpoint(long sequence, ByteString digest) {}

  private final long[] tags;

  public SimKeys(int validators, long seed) {
    SplittableRandom random = new SplittableRandom(seed);
    tags = new long[validators];
    for (int i = 0; i < validators; i++) {
      tags[i] = random.nextLong();
    }
  }

  public SimSignature sign(int signer, Object content) {
    return new SimSignature(signer, content, tags[signer]);
  }

  /** A signature claiming {@code victim} signed {@code content}, made without its key. */
  public static SimSignature forge(int victim, Object content) {
    return new SimSignature(victim, content, 0x5eedL);
  }

  public boolean verifies(SimSignature signature, Object content) {
    int signer = signature.signer();
    return signer >= 0
        && signer < tags.length
        && tags[signer] == signature.tag()
        && signature.content().equals(content);
  }

  public ReplicaPorts.Signer<SimSignature> signer(int self) {
    return new ReplicaPorts.Signer<>() {
      @Override
      public SimSignature prepare(long view, long sequence, ByteString digest) {
        return sign(self, new Vote("PREPARE", view, sequence, digest));
      }

      @Override
      public SimSignature commit(long view, long sequence, ByteString digest) {
        return sign(self, new Vote("COMMIT", view, sequence, digest));
      }

      @Override
      public SimSignature checkpoint(long sequence, ByteString digest) {
        return sign(self, new Checkpoint(sequence, digest));
      }

      @Override
      public <B> SimSignature viewChange(ViewChange<B, SimSignature> message) {
        return sign(self, message);
      }
    };
  }

  public <B> ReplicaPorts.Verifier<B, SimSignature> verifier() {
    return new ReplicaPorts.Verifier<>() {
      @Override
      public OptionalInt prepareSigner(
          SimSignature proof, long view, long sequence, ByteString digest) {
        return signerOf(proof, new Vote("PREPARE", view, sequence, digest));
      }

      @Override
      public OptionalInt commitSigner(
          SimSignature proof, long view, long sequence, ByteString digest) {
        return signerOf(proof, new Vote("COMMIT", view, sequence, digest));
      }

      @Override
      public OptionalInt checkpointSigner(SimSignature proof, long sequence, ByteString digest) {
        return signerOf(proof, new Checkpoint(sequence, digest));
      }

      @Override
      public OptionalInt viewChangeSigner(SimSignature proof, ViewChange<B, SimSignature> message) {
        return signerOf(proof, message);
      }
    };
  }

  private OptionalInt signerOf(SimSignature proof, Object content) {
    return verifies(proof, content) ? OptionalInt.of(proof.signer()) : OptionalInt.empty();
  }
}
