package dev.bulwark.agent.policy.expression;

import org.junit.jupiter.api.Test;

import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ConditionTest {
    private static boolean result(String text, Object value) {
        return Condition.parse(text, Subject.RESULT).test(value, null);
    }

    @Test
    void comparesNumbersFromGettersAndBeanProperties() {
        Response unavailable = new Response(503, "busy");
        assertThat(result("#result.status == 503", unavailable)).isTrue();
        assertThat(result("#result.status != 503", unavailable)).isFalse();
        assertThat(result("#result.status >= 500", unavailable)).isTrue();
        assertThat(result("#result.status > 503", unavailable)).isFalse();
        assertThat(result("#result.status <= 503", unavailable)).isTrue();
        assertThat(result("#result.status < 503.5", unavailable)).isTrue();
        assertThat(result("#result.self.status==503", unavailable)).isTrue();
        assertThat(result("#result == 7", 7L)).isTrue();
        assertThat(result("#result == 7", 7.0d)).isTrue();
        assertThat(result("#result < -1", -2)).isTrue();
        assertThat(result("#result == 65", 'A')).isTrue();
    }

    @Test
    void rangesAreInclusiveAndListsMatchAnyElement() {
        assertThat(result("#result.status in 500..599", new Response(500, ""))).isTrue();
        assertThat(result("#result.status in 500..599", new Response(599, ""))).isTrue();
        assertThat(result("#result.status in 500..599", new Response(600, ""))).isFalse();
        assertThat(result("#result.status in 500..599", new Response(499, ""))).isFalse();
        assertThat(result("#result.status in [429, 503]", new Response(429, ""))).isTrue();
        assertThat(result("#result.status in [429, 503]", new Response(500, ""))).isFalse();
        assertThat(result("#result.body in ['busy', \"down\"]", new Response(503, "down"))).isTrue();
    }

    @Test
    void comparesStringsEnumsBooleansAndNull() {
        assertThat(result("#result.body == \"busy\"", new Response(503, "busy"))).isTrue();
        assertThat(result("#result.body == 'bu\\'sy'", new Response(503, "bu'sy"))).isTrue();
        assertThat(result("#result.body > 'a'", new Response(503, "b"))).isTrue();
        assertThat(result("#result == 'SECONDS'", TimeUnit.SECONDS)).isTrue();
        assertThat(result("#result.ok == false", new Response(503, ""))).isTrue();
        assertThat(result("#result.ok == true", new Response(200, ""))).isTrue();
        assertThat(result("#result == null", null)).isTrue();
        assertThat(result("#result.body == null", new Response(503, null))).isTrue();
        assertThat(result("#result != null", "x")).isTrue();
    }

    @Test
    void aValueOfAnotherKindIsUnequalAndUnordered() {
        assertThat(result("#result == 503", "503")).isFalse();
        assertThat(result("#result != 503", "503")).isTrue();
        assertThat(result("#result < 503", "1")).isFalse();
        assertThat(result("#result >= 'a'", 5)).isFalse();
        assertThat(result("#result.body < 'a'", new Response(1, null))).isFalse();
        assertThat(result("#result < 1", Double.NaN)).isFalse();
    }

    @Test
    void aGetterMetOnNullYieldsNull() {
        assertThat(result("#result.status == null", null)).isTrue();
    }

    @Test
    void argumentPathsStartFromTheArgumentTheyName() {
        Condition condition = Condition.parse("#1.body == 'canary'", Subject.ARGUMENTS);
        assertThat(condition.path().argument()).isEqualTo(1);
        assertThat(condition.test(null, new Object[] {"x", new Response(200, "canary")})).isTrue();
        assertThat(condition.test(null, new Object[] {"x", new Response(200, "stable")})).isFalse();
        assertThat(Condition.parse("#0 == 3", Subject.ARGUMENTS).test(null, new Object[] {3})).isTrue();
    }

    @Test
    void parsesABarePath() {
        Path path = Condition.parsePath("#exception.retryAfter", Subject.EXCEPTION);
        assertThat(path.argument()).isEqualTo(-1);
        assertThat(path.getters()).containsExactly("retryAfter");
        assertThat(Condition.parsePath(" #2 ", Subject.ARGUMENTS).argument()).isEqualTo(2);
    }

    @Test
    void reportsTheTextThePositionAndWhatWasExpected() {
        assertThatThrownBy(() -> Condition.parse("#result.status =! 5", Subject.RESULT))
                .hasMessage("expression \"#result.status =! 5\": expected an operator (==, !=, <, <=, >, >=, in)"
                        + " at position 16, found '='");
        assertThatThrownBy(() -> Condition.parse("result == 5", Subject.RESULT))
                .hasMessage("expression \"result == 5\": expected #result at position 1, found 'r'");
        assertThatThrownBy(() -> Condition.parse("#results == 5", Subject.RESULT))
                .hasMessageContaining("expected #result at position 2");
        assertThatThrownBy(() -> Condition.parse("#0 == 5", Subject.RESULT))
                .hasMessageContaining("expected #result at position 2");
        assertThatThrownBy(() -> Condition.parse("#result.status in 500..", Subject.RESULT))
                .hasMessageContaining("expected the range's upper end at position 24, found the end");
        assertThatThrownBy(() -> Condition.parse("#result.status in [1, 2", Subject.RESULT))
                .hasMessageContaining("expected ',' or ']' at position 24");
        assertThatThrownBy(() -> Condition.parse("#result.body == 'open", Subject.RESULT))
                .hasMessageContaining("expected a closing ' for the string at position 17");
        assertThatThrownBy(() -> Condition.parse("#result == 5 5", Subject.RESULT))
                .hasMessageContaining("expected end of expression at position 14");
        assertThatThrownBy(() -> Condition.parse("#x.status == 5", Subject.ARGUMENTS))
                .hasMessageContaining("expected an argument index (#0, #1, …) at position 2");
        assertThatThrownBy(() -> Condition.parse("#result. == 5", Subject.RESULT))
                .hasMessageContaining("expected a getter name at position 9");
        assertThatThrownBy(() -> Condition.parse("", Subject.RESULT))
                .hasMessageContaining("expected #result at position 1, found the end");
    }

    @Test
    void reportsAGetterTheDeclaredTypeLacksAtWeaveTime() {
        Condition condition = Condition.parse("#result.statusCode == 5", Subject.RESULT);
        assertThatThrownBy(() -> condition.path().checkOn(Response.class))
                .hasMessageContaining("'statusCode'").hasMessageContaining(Response.class.getName());
        Condition.parse("#result.status == 5", Subject.RESULT).path().checkOn(Response.class);
    }
}
