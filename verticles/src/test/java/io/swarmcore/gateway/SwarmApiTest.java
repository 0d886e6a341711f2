package io.swarmcore.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import io.swarmcore.codecs.Codecs;
import io.swarmcore.codecs.proto.Transaction;
import io.swarmcore.mempool.MempoolVerticle;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * How {@link SwarmApi} turns what the node's mempool says into the client's statuses: a full
 * mempool is RESOURCE_EXHAUSTED with when to retry, an oversized or malformed transaction
 * INVALID_ARGUMENT, a mempool that does not answer UNAVAILABLE, and no quorum UNAVAILABLE before
 * the mempool is asked.
 */
@ExtendWith(VertxExtension.class)
@Timeout(value = 30, timeUnit = TimeUnit.SECONDS)
class SwarmApiTest {
  private static final ByteString TX =
      Transaction.newBuilder()
          .setClientId("alice")
          .setPayload(ByteString.copyFromUtf8("x"))
          .build()
          .toByteString();

  private static SwarmApi api(Vertx vertx, boolean quorum) {
    Codecs.register(vertx.eventBus());
    return new SwarmApi(
        vertx, "n", () -> new SwarmApi.NodeFacts(0, List.of(), 0, quorum), JsonObject::new);
  }

  private static Future<ApiException> refusal(Future<?> call) {
    return call.map(ok -> (ApiException) null)
        .recover(failure -> Future.succeededFuture((ApiException) failure));
  }

  @Test
  void aFullMempoolAnOversizedTransactionAndASilentMempoolEachHaveTheirStatus(
      Vertx vertx, VertxTestContext test) {
    int[] answer = {MempoolVerticle.FULL};
    vertx
        .eventBus()
        .consumer(
            MempoolVerticle.address("n", "submit"),
            message -> message.fail(answer[0], "as configured"))
        .completion()
        .compose(
            registered -> {
              SwarmApi api = api(vertx, true);
              return refusal(api.submitAsync(TX))
                  .compose(
                      full -> {
                        answer[0] = MempoolVerticle.TOO_LARGE;
                        return refusal(api.submitAsync(TX)).map(large -> List.of(full, large));
                      })
                  .compose(
                      two -> {
                        answer[0] = MempoolVerticle.NOT_REPLICATED;
                        return refusal(api.submitAsync(TX))
                            .map(unreplicated -> List.of(two.get(0), two.get(1), unreplicated));
                      });
            })
        .onComplete(
            test.succeeding(
                refusals ->
                    test.verify(
                        () -> {
                          assertThat(refusals.get(0).kind())
                              .isEqualTo(ApiException.Kind.RESOURCE_EXHAUSTED);
                          assertThat(refusals.get(0).retryAfterMs()).isPositive();
                          assertThat(refusals.get(1).kind())
                              .isEqualTo(ApiException.Kind.INVALID_ARGUMENT);
                          assertThat(refusals.get(2).kind())
                              .isEqualTo(ApiException.Kind.UNAVAILABLE);
                          assertThat(refusals.get(2).retryAfterMs()).isPositive();
                          test.completeNow();
                        })));
  }

  @Test
  void withoutAMempoolOrAQuorumTheNodeIsUnavailable(Vertx vertx, VertxTestContext test) {
    Future.all(
            refusal(api(vertx, true).submitAsync(TX)),
            refusal(api(vertx, false).submitAsync(TX)),
            refusal(api(vertx, true).submitAsync(ByteString.copyFrom(new byte[] {-1, -1}))))
        .onComplete(
            test.succeeding(
                all ->
                    test.verify(
                        () -> {
                          ApiException noMempool = all.resultAt(0);
                          ApiException noQuorum = all.resultAt(1);
                          ApiException garbage = all.resultAt(2);
                          assertThat(noMempool.kind()).isEqualTo(ApiException.Kind.UNAVAILABLE);
                          assertThat(noQuorum.kind()).isEqualTo(ApiException.Kind.UNAVAILABLE);
                          assertThat(noQuorum.getMessage()).contains("no quorum");
                          assertThat(garbage.kind()).isEqualTo(ApiException.Kind.INVALID_ARGUMENT);
                          test.completeNow();
                        })));
  }
}
