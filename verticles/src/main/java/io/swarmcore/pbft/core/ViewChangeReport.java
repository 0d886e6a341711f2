package io.swarmcore.pbft.core;

import com.google.protobuf.ByteString;
import java.util.List;

/**
 * What one verified VIEW-CHANGE says, reduced to what the re-proposal rule needs.
 *
 * @param sender validator index of the signer
 * @param stableCheckpoint sequence of the sender's stable checkpoint (its proof already checked)
 * @param prepared the sender's prepared certificates above that checkpoint (already checked)
 * @param sentPrepares every PREPARE the sender says it sent above that checkpoint, in all views
 */
public record ViewChangeReport(
    int sender, long stableCheckpoint, List<Vote> prepared, List<Vote> sentPrepares) {

  /** A vote, or a prepared certificate, for digest at (view, sequence). */
  public record Vote(long view, long sequence, ByteString digest) {}

  public ViewChangeReport {
    prepared = List.copyOf(prepared);
    sentPrepares = List.copyOf(sentPrepares);
  }
}
