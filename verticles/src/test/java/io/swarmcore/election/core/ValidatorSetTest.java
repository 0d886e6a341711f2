package io.swarmcore.election.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class ValidatorSetTest {
  @Test
  void aValidatorWithZeroStakeIsRefused() {
    assertThatThrownBy(() -> Validators.validator("v1", 0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("validator v1 has stake 0; stake must be positive");
    assertThatThrownBy(() -> Validators.validator("v1", -5))
        .hasMessageContaining("stake must be positive");
  }

  @Test
  void membersAreInCanonicalOrderWhateverTheInputOrder() {
    ValidatorSet a =
        ValidatorSet.of(
            List.of(
                Validators.validator("c", 1),
                Validators.validator("a", 2),
                Validators.validator("b", 3)));
    ValidatorSet b =
        ValidatorSet.of(
            List.of(
                Validators.validator("b", 3),
                Validators.validator("c", 1),
                Validators.validator("a", 2)));
    assertThat(a).isEqualTo(b);
    assertThat(a.members()).extracting(Validator::id).containsExactly("a", "b", "c");
    assertThat(a.totalStake()).isEqualTo(6);
  }

  @Test
  void quorumsCountValidatorsNotStake() {
    assertThat(Validators.set(1, 1, 1, 1).maxFaults()).isEqualTo(1);
    assertThat(Validators.set(1000, 1, 1, 1, 1, 1, 1).maxFaults()).isEqualTo(2);
  }

  @Test
  void eachStakePointBelongsToTheValidatorWhoseIntervalHoldsIt() {
    ValidatorSet set = Validators.set(3, 1, 6); // intervals [0,3) [3,4) [4,10)
    assertThat(set.ownerOf(0).id()).isEqualTo("v00000");
    assertThat(set.ownerOf(2).id()).isEqualTo("v00000");
    assertThat(set.ownerOf(3).id()).isEqualTo("v00001");
    assertThat(set.ownerOf(4).id()).isEqualTo("v00002");
    assertThat(set.ownerOf(9).id()).isEqualTo("v00002");
    assertThatThrownBy(() -> set.ownerOf(10)).hasMessage("stake point 10 is outside [0, 10)");
  }

  @Test
  void duplicatesAndEmptySetsAreRefused() {
    assertThatThrownBy(() -> ValidatorSet.of(List.of()))
        .hasMessage("a validator set needs at least one validator");
    assertThatThrownBy(
            () ->
                ValidatorSet.of(
                    List.of(Validators.validator("a", 1), Validators.validator("a", 2))))
        .hasMessage("validator id a appears twice");
  }
}
