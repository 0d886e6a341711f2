package io.swarmcore.pbft.core;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.TreeMap;

/**
 * The latest checked VIEW-CHANGE of each validator (its own included), and the counts the view
 * change rules need. One per sender keeps this bounded whatever a Byzantine sender sends.
 */
final class ViewChangeRequests<B, P> {
  // Sorted by sender, so a leader picks the same n − f VIEW-CHANGEs for the same set.
  private final Map<Integer, ViewChange.Signed<B, P>> latest = new TreeMap<>();

  /** Whether {@code newView} is above what {@code sender} asked for so far. */
  boolean isNewer(int sender, long newView) {
    ViewChange.Signed<B, P> earlier = latest.get(sender);
    return earlier == null || earlier.message().newView() < newView;
  }

  void record(ViewChange.Signed<B, P> signed) {
    latest.put(signed.message().sender(), signed);
  }

  /** Senders that asked for {@code view} or a later one. */
  long askingAtLeast(long view) {
    return latest.values().stream().filter(s -> s.message().newView() >= view).count();
  }

  /** Up to {@code limit} VIEW-CHANGEs for exactly {@code view}, in sender order. */
  List<ViewChange.Signed<B, P>> forView(long view, int limit) {
    return latest.values().stream()
        .filter(s -> s.message().newView() == view)
        .limit(limit)
        .toList();
  }

  /**
   * The highest view that at least {@code senders} validators asked for (or went beyond) above
   * {@code view}, if that many did.
   */
  OptionalLong reachedBy(int senders, long view) {
    List<Long> higher = new ArrayList<>();
    for (ViewChange.Signed<B, P> signed : latest.values()) {
      if (signed.message().newView() > view) {
        higher.add(signed.message().newView());
      }
    }
    if (higher.size() < senders) {
      return OptionalLong.empty();
    }
    higher.sort(null);
    return OptionalLong.of(higher.get(higher.size() - senders));
  }

  /** Requests for views up to {@code view} are settled once that view is entered. */
  void forgetUpTo(long view) {
    latest.values().removeIf(s -> s.message().newView() <= view);
  }
}
