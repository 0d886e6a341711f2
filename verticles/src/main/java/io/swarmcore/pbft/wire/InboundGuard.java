package io.swarmcore.pbft.wire;

import com.google.protobuf.ByteString;
import io.swarmcore.resilience.core.SenderBudgets;
import java.util.LinkedHashMap;
import java.util.function.Predicate;

/**
 * What a node lets through to signature checks, before they cost anything: any cluster member can
 * publish on a validator's inbox, so a flood must not buy unbounded verification work. An envelope
 * verified within the replay window is dropped when it comes again (a replay; the replica would
 * ignore it anyway), and each claimed signer has a token bucket (signers that are not current
 * validators share one, so that made-up names cannot multiply the budget). Only verified envelopes
 * are remembered ({@link #verified}): a forged copy under a real signature cannot shut out the real
 * message. Pure: the caller passes the time.
 */
public final class InboundGuard {
  /** What to do with an envelope. */
  public enum Verdict {
    ADMIT,
    /** The same envelope (by its signature) was verified within the replay window. */
    REPLAYED,
    /** Its claimed signer's bucket is empty. */
    RATE_LIMITED
  }

  private final Predicate<String> isValidator;
  private final long replayWindowNanos;
  private final int rememberedEnvelopes;
  private final SenderBudgets budgets;
  private final LinkedHashMap<ByteString, Long> recent = new LinkedHashMap<>();

  /**
   * @param isValidator whether a claimed signer is a current validator (read at each envelope)
   * @param perSignerPerSecond envelopes a second each signer may send (twice that in a burst)
   * @param replayWindowNanos how long an envelope counts as seen: short, so that a resend after a
   *     timeout (the same bytes, Ed25519 being deterministic) still gets through
   * @param rememberedEnvelopes the most envelopes remembered for replay checks
   */
  public InboundGuard(
      Predicate<String> isValidator,
      long perSignerPerSecond,
      long replayWindowNanos,
      int rememberedEnvelopes) {
    if (perSignerPerSecond < 1 || replayWindowNanos < 0 || rememberedEnvelopes < 1) {
      throw new IllegalArgumentException("rate ≥ 1, window ≥ 0 and room ≥ 1 expected");
    }
    this.isValidator = isValidator;
    this.budgets = new SenderBudgets(perSignerPerSecond);
    this.replayWindowNanos = replayWindowNanos;
    this.rememberedEnvelopes = rememberedEnvelopes;
  }

  public Verdict admit(String signer, ByteString signature, long nowNanos) {
    Long seen = recent.get(signature);
    if (seen != null && nowNanos - seen < replayWindowNanos) {
      return Verdict.REPLAYED;
    }
    if (!budgets.take(signer, isValidator.test(signer), nowNanos)) {
      return Verdict.RATE_LIMITED;
    }
    return Verdict.ADMIT;
  }

  /**
   * The envelope with this signature passed its signature check: a copy is a replay for a while.
   */
  public void verified(ByteString signature, long nowNanos) {
    recent.remove(signature); // re-inserted last: the map stays in arrival order
    recent.put(signature, nowNanos);
    if (recent.size() > rememberedEnvelopes) {
      recent.remove(recent.keySet().iterator().next());
    }
  }
}
