package io.swarmcore.node;

import com.google.protobuf.ByteString;
import io.swarmcore.codecs.InboundMessages;
import io.swarmcore.codecs.RejectCode;
import io.swarmcore.codecs.RejectedMessageException;
import io.swarmcore.codecs.SignedEnvelopes;
import io.swarmcore.codecs.proto.Hello;
import io.swarmcore.codecs.proto.MessageType;
import io.swarmcore.codecs.proto.SignedEnvelope;
import io.swarmcore.crypto.SigningKey;
import io.swarmcore.node.core.HelloVerifier;
import io.swarmcore.node.core.PeerDirectory;
import io.swarmcore.resilience.CircuitBreaker;
import io.swarmcore.resilience.CircuitBreakerConfig;
import io.swarmcore.resilience.ResilienceManager;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.Message;
import java.security.SecureRandom;
import java.util.HashSet;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Finds and authenticates the other nodes. Each node publishes a signed HELLO on {@value #ANNOUNCE}
 * every {@code peers.announceIntervalMs}; a node that hears an unconfirmed peer sends it a signed
 * HELLO with a fresh nonce at {@code swarm.peers.<peerId>.hello}, and the peer answers with its own
 * signed HELLO echoing the nonce. Both sides check every signature; anything that fails is answered
 * with the documented reject code (docs/EVENTBUS.md).
 */
public final class PeerVerticle extends VerticleBase {
  public static final String ANNOUNCE = "swarm.peers.announce";

  /** The resilience config name whose breaker settings apply to every peer. */
  static final String PEER_BREAKERS = "peers";

  static final long HANDSHAKE_TIMEOUT_MS = 5_000;
  private static final int NONCE_BYTES = 16;
  private static final Logger LOG = LoggerFactory.getLogger(PeerVerticle.class);

  private final NodeConfig config;
  private final SigningKey key;
  private final PeerDirectory directory;
  private final NodeMetrics metrics;
  private final ResilienceManager resilience;
  private final SecureRandom random = new SecureRandom();
  private final Set<String> handshakesInFlight = new HashSet<>();
  private long announceTimer = -1;

  PeerVerticle(
      NodeConfig config,
      SigningKey key,
      PeerDirectory directory,
      NodeMetrics metrics,
      ResilienceManager resilience) {
    this.config = config;
    this.key = key;
    this.directory = directory;
    this.metrics = metrics;
    this.resilience = resilience;
  }

  public static String helloAddress(String nodeId) {
    return "swarm.peers." + nodeId + ".hello";
  }

  @Override
  public Future<?> start() {
    EventBus bus = vertx.eventBus();
    Future<Void> hello =
        bus.consumer(
                helloAddress(config.nodeId()),
                InboundMessages.guarded(SignedEnvelope.class, this::answerHello, this::rejected))
            .completion();
    Future<Void> announce =
        bus.consumer(
                ANNOUNCE,
                InboundMessages.guarded(SignedEnvelope.class, this::heardAnnounce, this::rejected))
            .completion();
    return Future.all(hello, announce)
        .onSuccess(
            ready -> {
              announce();
              announceTimer =
                  vertx.setPeriodic(config.peers().announceIntervalMs(), tick -> announce());
            });
  }

  @Override
  public Future<?> stop() {
    vertx.cancelTimer(announceTimer);
    return Future.succeededFuture();
  }

  private void announce() {
    // publish, never send: send would round-robin among every consumer of the address.
    vertx.eventBus().publish(ANNOUNCE, sealHello(ByteString.EMPTY));
  }

  private void heardAnnounce(Message<Object> message, SignedEnvelope envelope) {
    if (envelope.getSigner().equals(config.nodeId())) {
      return;
    }
    Hello hello = HelloVerifier.open(envelope, directory.keyOf(envelope.getSigner()));
    directory.heard(hello, keyOf(hello), NodeClock.monotonicMillis());
    if (directory.needsHandshake(hello.getNodeId()) && handshakesInFlight.add(hello.getNodeId())) {
      handshake(hello.getNodeId());
    }
  }

  private void handshake(String peerId) {
    ByteString nonce = ByteString.copyFrom(randomNonce());
    // One breaker per peer: a peer that keeps failing is left alone for a while instead of
    // being asked again every announce interval.
    peerBreaker(peerId)
        .execute(
            () ->
                vertx
                    .eventBus()
                    .<Object>request(
                        helloAddress(peerId),
                        sealHello(nonce),
                        new DeliveryOptions().setSendTimeout(HANDSHAKE_TIMEOUT_MS)))
        .onComplete(
            answer -> {
              handshakesInFlight.remove(peerId);
              if (answer.failed()) {
                LOG.debug("handshake with {} failed: {}", peerId, answer.cause().getMessage());
                return;
              }
              try {
                checkAnswer(peerId, nonce, answer.result());
                directory.confirmed(peerId, NodeClock.monotonicMillis());
                LOG.info("peer {} verified", peerId);
              } catch (RejectedMessageException e) {
                rejected(e);
                LOG.warn("peer {} answered the handshake wrongly: {}", peerId, e.getMessage());
              }
            });
  }

  private CircuitBreaker peerBreaker(String peerId) {
    CircuitBreakerConfig template =
        config
            .resilience()
            .circuitBreakers()
            .getOrDefault(PEER_BREAKERS, CircuitBreakerConfig.DEFAULTS);
    return resilience.circuitBreaker(PEER_BREAKERS + "." + peerId, template);
  }

  private void checkAnswer(String peerId, ByteString nonce, Message<Object> answer) {
    if (!(answer.body() instanceof SignedEnvelope envelope)) {
      throw new RejectedMessageException(RejectCode.MALFORMED, "handshake answer is no envelope");
    }
    if (!envelope.getSigner().equals(peerId)) {
      throw new RejectedMessageException(
          RejectCode.UNKNOWN_SIGNER, "handshake answer signed by " + envelope.getSigner());
    }
    Hello hello = HelloVerifier.open(envelope, directory.keyOf(peerId));
    if (!hello.getNonce().equals(nonce)) {
      throw new RejectedMessageException(
          RejectCode.MALFORMED, "handshake answer does not echo our nonce (a replay?)");
    }
    directory.heard(hello, keyOf(hello), NodeClock.monotonicMillis());
  }

  private void answerHello(Message<Object> message, SignedEnvelope envelope) {
    Hello hello = HelloVerifier.open(envelope, directory.keyOf(envelope.getSigner()));
    directory.heard(hello, keyOf(hello), NodeClock.monotonicMillis());
    message.reply(sealHello(hello.getNonce()));
  }

  private void rejected(RejectedMessageException rejected) {
    metrics.rejected(rejected.code());
    LOG.debug("rejected a peer message: {}", rejected.getMessage());
  }

  private SignedEnvelope sealHello(ByteString nonce) {
    Hello hello =
        Hello.newBuilder()
            .setNodeId(config.nodeId())
            .setPublicKey(ByteString.copyFrom(key.publicKey().bytes()))
            .setNonce(nonce)
            .setHttpPort(config.http().port())
            .setSoftwareVersion(String.valueOf(getClass().getPackage().getImplementationVersion()))
            .build();
    return SignedEnvelopes.seal(
        MessageType.MESSAGE_TYPE_HELLO, hello.toByteArray(), config.nodeId(), key);
  }

  /** The hello's key; the one already on record when it is the same (decoding checks the point). */
  private io.swarmcore.crypto.PublicKey keyOf(Hello hello) {
    byte[] bytes = hello.getPublicKey().toByteArray();
    return directory
        .keyOf(hello.getNodeId())
        .filter(known -> java.util.Arrays.equals(known.bytes(), bytes))
        .orElseGet(() -> io.swarmcore.crypto.PublicKey.of(bytes));
  }

  private byte[] randomNonce() {
    byte[] nonce = new byte[NONCE_BYTES];
    random.nextBytes(nonce);
    return nonce;
  }
}
