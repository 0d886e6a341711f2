package io.swarmcore.pbft;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import io.swarmcore.codecs.proto.MessageType;
import io.swarmcore.codecs.proto.SignedEnvelope;
import org.junit.jupiter.api.Test;

class MisbehaviourTest {
  private static SignedEnvelope message(MessageType type, String payload) {
    return SignedEnvelope.newBuilder()
        .setType(type)
        .setPayload(ByteString.copyFromUtf8(payload))
        .setSigner("v1")
        .setSignature(ByteString.copyFrom(new byte[64]))
        .build();
  }

  private static Misbehaviour as(FaultInjection fault) {
    return new Misbehaviour(fault, id -> id.equals("v1") ? "v2" : "v1", 7);
  }

  @Test
  void eachModeSendsWhatItSays() {
    SignedEnvelope prepare = message(MessageType.MESSAGE_TYPE_PREPARE, "p");
    SignedEnvelope commit = message(MessageType.MESSAGE_TYPE_COMMIT, "c");

    assertThat(as(FaultInjection.SILENT).outbound(commit)).isEmpty();
    assertThat(as(FaultInjection.WITHHOLD).outbound(prepare)).isEmpty();
    assertThat(as(FaultInjection.WITHHOLD).outbound(commit)).containsExactly(commit);
    assertThat(as(FaultInjection.FORGE).outbound(commit))
        .singleElement()
        .satisfies(
            forged -> {
              assertThat(forged.getSigner()).isEqualTo("v2");
              assertThat(forged.getSignature()).isEqualTo(commit.getSignature());
            });
    assertThat(as(FaultInjection.NONE).outbound(prepare)).containsExactly(prepare);
  }

  @Test
  void aReplayerResendsOlderMessagesItSentOrHeard() {
    Misbehaviour replayer = as(FaultInjection.REPLAY);
    SignedEnvelope heard = message(MessageType.MESSAGE_TYPE_COMMIT, "from another");
    SignedEnvelope first = message(MessageType.MESSAGE_TYPE_PREPARE, "first");
    SignedEnvelope second = message(MessageType.MESSAGE_TYPE_PREPARE, "second");

    assertThat(replayer.outbound(first)).containsExactly(first);
    replayer.heard(heard);
    var sent = replayer.outbound(second);
    assertThat(sent).hasSize(3).startsWith(second);
    assertThat(sent.subList(1, 3)).allSatisfy(old -> assertThat(old).isIn(first, heard));
  }
}
