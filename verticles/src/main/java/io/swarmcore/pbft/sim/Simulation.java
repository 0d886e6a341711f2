package io.swarmcore.pbft.sim;

import com.google.protobuf.ByteString;
import io.swarmcore.pbft.core.Checkpoints;
import io.swarmcore.pbft.core.Deliveries;
import io.swarmcore.pbft.core.ProgressTimer;
import io.swarmcore.pbft.core.Quorums;
import io.swarmcore.pbft.core.Replica;
import io.swarmcore.pbft.core.ReplicaOutput;
import io.swarmcore.pbft.core.ReplicaOutput.FetchState;
import io.swarmcore.pbft.core.ReplicaOutput.Finalize;
import io.swarmcore.pbft.core.ReplicaOutput.SetTimer;
import io.swarmcore.pbft.core.ReplicaOutput.ViewInstalled;
import io.swarmcore.pbft.core.Slot;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;

/**
 * One deterministic schedule of the Byzantine simulator (docs/PROTOCOL.md, "Simulator"): n replicas
 * over a {@link SimulatedNetwork} whose delays, drops, duplicates, partitions and stabilization
 * time come from the seed, up to f of them Byzantine with a {@link Behaviour} each. It plays the
 * adapter's part for every replica (message signatures checked before a message reaches the core,
 * timers, storage acknowledgements, state fetches) and checks safety on every finalization and
 * liveness at the end. The same seed gives the same schedule.
 */
public final class Simulation {
  /** Logical time units; network delays are about 10 once stable. */
  static final long BASE_TIMEOUT = 100;

  static final long MAX_TIMEOUT = 1_600;

  /** How long a prepared replica waits for the fast quorum before COMMIT: one maximum delay. */
  static final long COMMIT_GRACE = 10;

  private static final long FETCH_DELAY = 30;
  private static final int TRACE_LINES = 40;

  /** A message on the simulated wire: the payload and the signature of the claimed sender. */
  record Envelope(ReplicaOutput<SimBlock, SimSignature> payload, SimSignature signature) {}

  private record Tick(int replica) {}

  private record Fetched(int replica, long sequence, ByteString digest) {}

  private record LateSend(int replica, ReplicaOutput<SimBlock, SimSignature> output) {}

  private final SimulationConfig config;
  private final Quorums quorums;
  private final long seed;
  private final Random random;
  private final SimKeys keys;
  private final EventQueue<Object> queue = new EventQueue<>();
  private final SimulatedNetwork<Envelope> network;
  private final NetworkConditions conditions;
  private final List<Replica<SimBlock, SimSignature>> replicas = new ArrayList<>();
  private final Map<Integer, Behaviour> byzantine = new HashMap<>();
  private final Adversary adversary;
  private final Map<Long, List<SimBlock>> proposalsByHeight = new HashMap<>();
  private final Set<ByteString> proposed = new HashSet<>();
  private final SafetyChecker safety;
  private final Deque<String> trace = new ArrayDeque<>();
  private long finalized;
  private long fastFinalized;
  private long forgeriesRejected;

  private final Scenario scenario;

  private Simulation(SimulationConfig config, long seed, Scenario scenario) {
    this.config = config;
    this.scenario = scenario;
    this.quorums = config.quorums();
    this.seed = seed;
    this.random = new Random(seed);
    this.keys = new SimKeys(config.validators(), random.nextLong());
    NetworkConditions drawn = drawConditions();
    this.conditions = scenario.network().orElse(drawn);
    this.network = new SimulatedNetwork<>(conditions, random.nextLong(), queue);
    this.safety = new SafetyChecker(quorums, keys, proposed, SimBlock.GENESIS);
    this.adversary =
        new Adversary(
            config.validators(),
            quorums.slowQuorum(),
            keys,
            new Random(random.nextLong()),
            new Adversary.Proposals() {
              @Override
              public List<SimBlock> at(long sequence) {
                return proposalsByHeight.getOrDefault(sequence, List.of());
              }

              @Override
              public void add(SimBlock block) {
                register(block);
              }
            });
    List<Behaviour> behaviours = List.copyOf(config.behaviours());
    List<Integer> indices = new ArrayList<>();
    for (int i = 0; i < config.validators(); i++) {
      indices.add(i);
    }
    java.util.Collections.shuffle(indices, random);
    if (scenario.fixesByzantine()) {
      byzantine.putAll(scenario.byzantine());
    } else {
      for (int i = 0; i < config.byzantine(); i++) {
        byzantine.put(indices.get(i), behaviours.get(random.nextInt(behaviours.size())));
      }
    }
    for (int i = 0; i < config.validators(); i++) {
      replicas.add(newReplica(i));
    }
  }

  /** Runs the schedule of {@code seed} to its end and reports what it showed. */
  public static ScheduleResult run(SimulationConfig config, long seed) {
    return run(config, seed, Scenario.random());
  }

  /** Runs {@code scenario} with the rest drawn from {@code seed}. */
  public static ScheduleResult run(SimulationConfig config, long seed, Scenario scenario) {
    if (scenario.byzantine().size() > config.quorums().faulty()) {
      throw new IllegalArgumentException(
          scenario.byzantine().size()
              + " Byzantine replicas exceed f = "
              + config.quorums().faulty());
    }
    return new Simulation(config, seed, scenario).play();
  }

  private NetworkConditions drawConditions() {
    if (!config.faultyNetwork()) {
      return new NetworkConditions(8, 12, 12, 0, 0, 0, List.of());
    }
    long stabilization = random.nextInt(600);
    double drop = random.nextDouble() * 0.3;
    double duplicate = random.nextDouble() * 0.1;
    long maxBefore = 10 + random.nextInt(60);
    List<Set<Integer>> partitions = new ArrayList<>();
    if (random.nextInt(3) == 0) {
      Set<Integer> group = new HashSet<>();
      for (int i = 0; i < config.validators(); i++) {
        if (random.nextBoolean()) {
          group.add(i);
        }
      }
      partitions.add(group);
    }
    return new NetworkConditions(1, 10, maxBefore, drop, duplicate, stabilization, partitions);
  }

  private Replica<SimBlock, SimSignature> newReplica(int index) {
    int n = config.validators();
    return new Replica<>(
        quorums,
        index,
        new Replica.Ports<>(
            view -> (int) (view % n), SimBlock.FACTS, keys.signer(index), keys.verifier()),
        new Checkpoints<>(
            quorums,
            config.checkpointInterval(),
            config.window(),
            new Checkpoints.Stable<>(0, SimBlock.GENESIS, List.of())),
        new ProgressTimer(BASE_TIMEOUT, MAX_TIMEOUT),
        new Replica.Start(0, 0, SimBlock.GENESIS),
        COMMIT_GRACE);
  }

  private ScheduleResult play() {
    for (int i = 0; i < replicas.size(); i++) {
      handle(i, replicas.get(i).onWorkPending(true));
      proposeIfLeading(i);
    }
    long deadline = livenessDeadline();
    Optional<String> liveness = Optional.empty();
    while (safety.violations().isEmpty() && !allHonestDone()) {
      Optional<EventQueue.Due<Object>> due = queue.next();
      if (due.isEmpty()) {
        liveness = Optional.of("nothing left to happen (no message or timer) " + progress());
        break;
      }
      if (due.get().time() > deadline) {
        liveness =
            Optional.of(
                "not done by logical time "
                    + deadline
                    + " (stabilization at "
                    + conditions.stabilizationTime()
                    + ") "
                    + progress());
        break;
      }
      dispatch(due.get().event());
    }
    return new ScheduleResult(
        seed,
        config.targetBlocks(),
        honestHeight(),
        finalized,
        fastFinalized,
        highestHonestView(),
        forgeriesRejected,
        safety.violations(),
        liveness,
        List.copyOf(trace));
  }

  /**
   * The liveness bound: after stabilization, at most f Byzantine leaders in a row, each costing a
   * view timeout at its cap, plus a few honest views and a round trip budget per block.
   */
  private long livenessDeadline() {
    long views = quorums.faulty() + 4L;
    return conditions.stabilizationTime()
        + conditions.maxDelayBeforeStabilization()
        + views * 2 * MAX_TIMEOUT
        + config.targetBlocks() * 100L;
  }

  private void dispatch(Object event) {
    if (event instanceof SimulatedNetwork.Delivery<?> delivery) {
      deliver(delivery.from(), delivery.to(), (Envelope) delivery.message());
    } else if (event instanceof Tick tick) {
      handle(tick.replica(), replicas.get(tick.replica()).onTick(queue.logicalTime()));
      proposeIfLeading(tick.replica());
    } else if (event instanceof LateSend late) {
      broadcast(late.replica(), late.output());
    } else if (event instanceof Fetched fetched) {
      safety.fetched(fetched.replica(), fetched.sequence(), fetched.digest());
      note("t=%d r%d fetched state at %d", fetched.replica(), fetched.sequence());
      Replica<SimBlock, SimSignature> replica = replicas.get(fetched.replica());
      long before = replica.deliveredSequence();
      handle(fetched.replica(), replica.onStateFetched(fetched.sequence(), fetched.digest()));
      // The fetched blocks are stored like finalized ones, so checkpoints among them are signed.
      for (long height = before + 1; height <= fetched.sequence(); height++) {
        if (height % config.checkpointInterval() == 0) {
          handle(fetched.replica(), replica.onStored(height, safety.digestAt(height)));
        }
      }
      proposeIfLeading(fetched.replica());
    }
  }

  /** The adapter's check: the envelope must be the claimed sender's signature on the payload. */
  private void deliver(int from, int to, Envelope envelope) {
    if (envelope.signature().signer() != from
        || !keys.verifies(envelope.signature(), envelope.payload())) {
      forgeriesRejected++;
      return;
    }
    if (byzantine.containsKey(to)) {
      adversary.heard(from, envelope);
    }
    var input = Deliveries.of(from, envelope.payload());
    if (input.isPresent()) {
      // The adapter tells the core the time before each input, as the node's timer does.
      handle(to, replicas.get(to).onTick(queue.logicalTime()));
      handle(to, input.get().apply(replicas.get(to)));
      proposeIfLeading(to);
    }
  }

  private void proposeIfLeading(int index) {
    Replica<SimBlock, SimSignature> replica = replicas.get(index);
    if (byzantine.get(index) == Behaviour.SILENT) {
      return;
    }
    Optional<Long> sequence;
    while ((sequence = replica.nextProposalSequence()).isPresent()
        && sequence.get() <= config.targetBlocks()) {
      Optional<ByteString> parent = replica.proposalParent();
      if (parent.isEmpty()) {
        return;
      }
      SimBlock block =
          new SimBlock(sequence.get(), parent.get(), "v" + replica.view() + "/r" + index + "/tx");
      register(block);
      handle(index, replica.propose(block));
    }
  }

  private void register(SimBlock block) {
    if (proposed.add(block.digest())) {
      proposalsByHeight.computeIfAbsent(block.height(), h -> new ArrayList<>()).add(block);
    }
  }

  private void handle(int index, List<ReplicaOutput<SimBlock, SimSignature>> outputs) {
    for (ReplicaOutput<SimBlock, SimSignature> output : outputs) {
      if (output instanceof ReplicaOutput.SendViewChange<SimBlock, SimSignature> asked) {
        note("t=%d r%d asks for view %d", index, asked.viewChange().message().newView());
      }
      if (Deliveries.of(index, output).isPresent()) {
        send(index, output);
      } else if (output instanceof Finalize<SimBlock, SimSignature> finalize) {
        onFinalize(index, finalize);
      } else if (output instanceof FetchState<SimBlock, SimSignature> fetch) {
        queue.at(
            queue.logicalTime() + FETCH_DELAY,
            new Fetched(index, fetch.sequence(), fetch.digest()));
      } else if (output instanceof ReplicaOutput.CatchUp<SimBlock, SimSignature> catchUp) {
        // Peers serve the final chain above the replica's height (certificates checked there).
        var tip = safety.finalTip();
        if (tip.getKey() > catchUp.after()) {
          queue.at(
              queue.logicalTime() + FETCH_DELAY, new Fetched(index, tip.getKey(), tip.getValue()));
        }
      } else if (output instanceof SetTimer<SimBlock, SimSignature> timer) {
        queue.at(timer.at(), new Tick(index));
      } else if (output instanceof ViewInstalled<SimBlock, SimSignature> installed) {
        note("t=%d r%d entered view %d", index, installed.view());
      } else if (output instanceof ReplicaOutput.Rejected<SimBlock, SimSignature> rejected) {
        note("t=%d r%d rejected from r%d: " + rejected.reason(), index, rejected.sender());
      }
    }
  }

  private void send(int index, ReplicaOutput<SimBlock, SimSignature> output) {
    Behaviour behaviour = byzantine.get(index);
    if (scenario.slow().contains(index)) {
      // A slow replica: its messages leave late, as from an overloaded or distant machine.
      queue.at(queue.logicalTime() + scenario.slowDelay(), new LateSend(index, output));
      return;
    }
    if (behaviour == null) {
      broadcast(index, output);
      return;
    }
    for (Adversary.Outgoing outgoing : adversary.act(index, behaviour, output)) {
      if (outgoing.to() != outgoing.claimedFrom()) {
        network.send(outgoing.claimedFrom(), outgoing.to(), outgoing.envelope());
      }
    }
  }

  private void broadcast(int index, ReplicaOutput<SimBlock, SimSignature> output) {
    Envelope envelope = new Envelope(output, keys.sign(index, output));
    for (int to = 0; to < replicas.size(); to++) {
      if (to != index) {
        network.send(index, to, envelope);
      }
    }
  }

  private void onFinalize(int index, Finalize<SimBlock, SimSignature> finalize) {
    Replica<SimBlock, SimSignature> replica = replicas.get(index);
    if (!byzantine.containsKey(index)) {
      finalized++;
      if (finalize.path() == Slot.Path.FAST) {
        fastFinalized++;
      }
      safety.finalized(index, finalize);
      note("t=%d r%d finalized %d (" + finalize.path() + ")", index, finalize.sequence());
    }
    // Storage acknowledges at once: the digest is the block's header hash.
    handle(index, replica.onStored(finalize.sequence(), finalize.block().digest()));
    if (replica.deliveredSequence() >= config.targetBlocks()) {
      handle(index, replica.onWorkPending(false));
    }
  }

  private boolean allHonestDone() {
    return honestHeight() >= config.targetBlocks();
  }

  private long honestHeight() {
    long height = Long.MAX_VALUE;
    for (int i = 0; i < replicas.size(); i++) {
      if (!byzantine.containsKey(i)) {
        height = Math.min(height, replicas.get(i).deliveredSequence());
      }
    }
    return height;
  }

  private long highestHonestView() {
    long view = 0;
    for (int i = 0; i < replicas.size(); i++) {
      if (!byzantine.containsKey(i)) {
        view = Math.max(view, replicas.get(i).view());
      }
    }
    return view;
  }

  private String progress() {
    StringBuilder text = new StringBuilder("[");
    for (int i = 0; i < replicas.size(); i++) {
      Replica<SimBlock, SimSignature> replica = replicas.get(i);
      text.append(i == 0 ? "" : ", ")
          .append("r")
          .append(i)
          .append(byzantine.containsKey(i) ? "(" + byzantine.get(i).cliName() + ")" : "")
          .append(": height ")
          .append(replica.deliveredSequence())
          .append(replica.isChangingView() ? ", changing to view " : ", view ")
          .append(replica.view());
    }
    return text.append(']').toString();
  }

  private void note(String format, int replica, long value) {
    if (trace.size() == TRACE_LINES) {
      trace.removeFirst();
    }
    trace.addLast(String.format(format, queue.logicalTime(), replica, value));
  }
}
