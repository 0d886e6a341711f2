package io.swarmcore.pbft.sim;

import java.util.Arrays;
import java.util.EnumSet;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;

/** What a Byzantine replica of the simulator does instead of following the protocol. */
public enum Behaviour {
  /** As leader, sends different blocks for one sequence to different replicas. */
  EQUIVOCATE,
  /** Sends PREPAREs and COMMITs for other digests to half of the replicas. */
  CONFLICTING_VOTES,
  /** Sends nothing at all (a crash, as others see it). */
  SILENT,
  /** Keeps its PREPAREs from half of the replicas, so the fast quorum is never reached. */
  WITHHOLD_FAST_VOTES,
  /** Re-sends messages it received earlier, from older views, with their valid signatures. */
  REPLAY_OLD,
  /** Sends messages in other validators' names and certificates with made-up signatures. */
  FORGE,
  /** As new leader, sends NEW-VIEWs that lack or alter VIEW-CHANGEs. */
  BOGUS_NEW_VIEW;

  /** The command-line name: lower case with dashes, e.g. {@code withhold-fast-votes}. */
  public String cliName() {
    return name().toLowerCase(Locale.ROOT).replace('_', '-');
  }

  /** Parses a comma-separated list of command-line names; {@code all} means every behaviour. */
  public static Set<Behaviour> parseList(String list) {
    if (list.isBlank() || list.equals("none")) {
      return EnumSet.noneOf(Behaviour.class);
    }
    if (list.equals("all")) {
      return EnumSet.allOf(Behaviour.class);
    }
    EnumSet<Behaviour> parsed = EnumSet.noneOf(Behaviour.class);
    for (String name : list.split(",")) {
      String wanted = name.strip();
      parsed.add(
          Arrays.stream(values())
              .filter(b -> b.cliName().equals(wanted))
              .findFirst()
              .orElseThrow(
                  () ->
                      new IllegalArgumentException(
                          "unknown behaviour '"
                              + wanted
                              + "'; known: all, none, "
                              + Arrays.stream(values())
                                  .map(Behaviour::cliName)
                                  .collect(Collectors.joining(", ")))));
    }
    return parsed;
  }
}
