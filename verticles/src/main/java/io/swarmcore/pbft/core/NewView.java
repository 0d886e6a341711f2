package io.swarmcore.pbft.core;

import java.util.List;

/**
 * A NEW-VIEW from the leader of {@code view}: the n − f signed VIEW-CHANGEs it used. The
 * re-proposals are not sent separately: every replica recomputes them from the VIEW-CHANGEs with
 * {@link ReproposalRule}, so a leader cannot choose other ones.
 */
public record NewView<B, P>(long view, List<ViewChange.Signed<B, P>> viewChanges) {
  public NewView {
    viewChanges = List.copyOf(viewChanges);
  }
}
