package dev.bulwark.agent.chain;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ResultCheckTest {
    public static final class Checks {
        private Checks() {
        }

        static boolean isNegative(Integer value) {
            return value < 0;
        }

        static boolean explodes(Integer value) {
            throw new IllegalStateException("boom");
        }
    }

    private int limit = 10;

    private boolean aboveLimit(int value) {
        return value > limit;
    }

    @Test
    void anEmptyCheckJudgesNothing() {
        assertThat(ResultCheck.parse("")).isNull();
    }

    @Test
    void anExpressionJudgesTheResult() {
        ResultCheck check = ResultCheck.parse("#result in 500..599");
        assertThat(check.condition()).isNotNull();
        assertThat(check.test(503, ResultCheckTest.class, null)).isTrue();
        assertThat(check.test(200, ResultCheckTest.class, null)).isFalse();
    }

    @Test
    void aMethodOfTheProtectedClassIsCalledOnItsInstance() {
        ResultCheck check = ResultCheck.parse("aboveLimit");
        assertThat(check.ownerName()).isNull();
        assertThat(check.test(11, ResultCheckTest.class, this)).isTrue();
        limit = 20;
        assertThat(check.test(11, ResultCheckTest.class, this)).isFalse();
    }

    @Test
    void aStaticMethodOfAnotherClassIsNamedWithItsClass() {
        ResultCheck check = ResultCheck.parse("dev.bulwark.agent.chain.ResultCheckTest$Checks#isNegative");
        assertThat(check.ownerName()).isEqualTo("dev.bulwark.agent.chain.ResultCheckTest$Checks");
        assertThat(check.methodName()).isEqualTo("isNegative");
        assertThat(check.test(-1, ResultCheckTest.class, null)).isTrue();
        assertThat(check.test(1, ResultCheckTest.class, null)).isFalse();
    }

    @Test
    void aCheckThatCannotJudgeTheResultJudgesItNoFailure() {
        assertThat(ResultCheck.parse("dev.bulwark.agent.chain.ResultCheckTest$Checks#explodes")
                .test(1, ResultCheckTest.class, null)).isFalse();
        assertThat(ResultCheck.parse("noSuchMethod").test(1, ResultCheckTest.class, this)).isFalse();
        assertThat(ResultCheck.parse("#result.status == 1").test("no status", ResultCheckTest.class, null)).isFalse();
    }

    @Test
    void aMalformedCheckNamesTheTextAndThePosition() {
        assertThatThrownBy(() -> ResultCheck.parse("is-bad"))
                .hasMessage("result check \"is-bad\": expected a method name, \"com.acme.Checks#method\" or an expression"
                        + " on #result at position 3, found '-'");
        assertThatThrownBy(() -> ResultCheck.parse("com.acme.#isBad"))
                .hasMessage("result check \"com.acme.#isBad\": expected a class name before '#' at position 10, found '#'");
        assertThatThrownBy(() -> ResultCheck.parse("#result.code in 500.."))
                .hasMessageContaining("at position 22, found the end");
    }
}
