package dev.bulwark.agent.chain;

import dev.bulwark.agent.policy.Allocations;
import dev.bulwark.agent.policy.expression.Response;
import org.junit.jupiter.api.Test;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;

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

    /** A result of another class with the same getter, met by a check first compiled for {@link Response}. */
    public static final class Reply {
        public String getStatus() {
            return "503";
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
    void anExpressionCompiledForTheFirstResultClassJudgesEveryClassAndNullAsTheGenericPathDoes() {
        ResultCheck status = ResultCheck.parse("#result.status in 500..599");
        assertThat(status.test(new Response(503, "busy"), ResultCheckTest.class, null)).isTrue();
        assertThat(status.test(new Response(200, "ok"), ResultCheckTest.class, null)).isFalse();
        assertThat(status.test(new Reply(), ResultCheckTest.class, null)).as("a string is not in a number range").isFalse();
        assertThat(status.test(null, ResultCheckTest.class, null)).isFalse();
        assertThat(status.test(new Response(599, ""), ResultCheckTest.class, null)).isTrue();

        ResultCheck body = ResultCheck.parse("#result.body.empty == true");
        assertThat(body.test(new Response(200, ""), ResultCheckTest.class, null)).isTrue();
        assertThat(body.test(new Response(200, "x"), ResultCheckTest.class, null)).isFalse();
        assertThat(body.test(new Response(200, null), ResultCheckTest.class, null)).as("a null met on the way").isFalse();
        assertThat(ResultCheck.parse("#result.body == null").test(new Response(200, null), ResultCheckTest.class, null))
                .isTrue();

        ResultCheck throughNonFinal = ResultCheck.parse("#result.next.status == 503");
        assertThat(throughNonFinal.test(new Response(503, ""), ResultCheckTest.class, null)).isTrue();
        assertThat(throughNonFinal.test(new Response(200, ""), ResultCheckTest.class, null)).isFalse();
    }

    @Test
    void aCompiledCheckIsAClassOfItsOwnHoldingTheHandleAsAConstant() throws Throwable {
        MethodHandle isOk = MethodHandles.lookup().findVirtual(Response.class, "isOk", MethodType.methodType(boolean.class));
        CompiledCheck check = CompiledCheck.of(MethodHandles.dropArguments(isOk, 0, Object.class)
                .asType(CompiledCheck.SELF_AND_RESULT));

        assertThat(check.test(null, new Response(200, ""))).isTrue();
        assertThat(check.test(null, new Response(503, ""))).isFalse();
        assertThat((boolean) Class.class.getMethod("isHidden").invoke(check.getClass())).as("hidden, so it can be unloaded")
                .isTrue();
    }

    @Test
    void judgingTheFirstClassAgainAllocatesNothing() {
        ResultCheck expression = ResultCheck.parse("#result.ok == false");
        ResultCheck method = ResultCheck.parse("aboveLimit");
        Response ok = new Response(200, "");
        Integer eleven = 11;
        Runnable calls = () -> {
            for (int i = 0; i < 10_000; i++) {
                expression.test(ok, ResultCheckTest.class, null);
                method.test(eleven, ResultCheckTest.class, this);
            }
        };
        calls.run();

        assertThat(Allocations.bytesAllocatedBy(calls)).isLessThan(10_000);
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
