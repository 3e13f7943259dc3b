package dev.bulwark.it;

import org.assertj.core.api.AbstractLongAssert;
import org.assertj.core.api.AbstractStringAssert;
import org.assertj.core.api.SoftAssertions;

import java.util.function.Consumer;

/**
 * Checks what a parity scenario ({@code dev.bulwark.it.app.parity}) reported for each of its modes: the same
 * expectation for the call through the synchronous twin, the one returning a stage and the one returning a
 * {@code Mono}. A mode that reported nothing fails the test, and a failure names its mode; every mode is checked
 * before the test fails.
 */
final class Parity {
    private static final String[] MODES = {"SYNC", "ASYNC", "MONO"};
    private static final String[] TWINS = {"SYNC", "ASYNC", "MONO", "FLUX"};

    private Parity() {
    }

    static void assertBoth(ScenarioResult result, String key, String expected) {
        assertBoth(result, key, value -> value.isEqualTo(expected));
    }

    static void assertBoth(ScenarioResult result, String key, Consumer<AbstractStringAssert<?>> expectation) {
        SoftAssertions softly = new SoftAssertions();
        for (String mode : MODES) {
            expectation.accept(softly.assertThat(result.get(mode + "." + key)).as(mode + " " + key));
        }
        softly.assertAll();
    }

    /** As {@link #assertBoth}, for a scenario of four twins ({@code dev.bulwark.it.app.parity.Twin}), reactive ones too. */
    static void assertEveryTwin(ScenarioResult result, String key, String expected) {
        assertEveryTwin(result, key, value -> value.isEqualTo(expected));
    }

    static void assertEveryTwin(ScenarioResult result, String key, Consumer<AbstractStringAssert<?>> expectation) {
        SoftAssertions softly = new SoftAssertions();
        for (String twin : TWINS) {
            expectation.accept(softly.assertThat(result.get(twin + "." + key)).as(twin + " " + key));
        }
        softly.assertAll();
    }

    static void assertBothLong(ScenarioResult result, String key, Consumer<AbstractLongAssert<?>> expectation) {
        SoftAssertions softly = new SoftAssertions();
        for (String mode : MODES) {
            expectation.accept(softly.assertThat(result.getLong(mode + "." + key)).as(mode + " " + key));
        }
        softly.assertAll();
    }
}
