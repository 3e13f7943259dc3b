package dev.bulwark.it;

import dev.bulwark.it.app.FallbackScenarios;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class FallbackIT {
    private static ScenarioResult run(String scenario) throws Exception {
        return AgentJvm.withAgent().run(FallbackScenarios.class, scenario);
    }

    @Test
    void aPrivateFallbackWithTheSameParametersReplacesTheFailure() throws Exception {
        assertThat(run("fallbackWithSameParameters").get("outcome")).isEqualTo("returned:21");
    }

    @Test
    void aTrailingThrowableParameterReceivesTheFailure() throws Exception {
        assertThat(run("fallbackWithTrailingThrowable").get("outcome")).isEqualTo("returned:cached:eu-1:IOException:no route to eu-1");
    }

    @Test
    void applyOnSkipOnAndTheFailureParameterTypeSelectWhatIsHandled() throws Exception {
        ScenarioResult result = run("applyOnAndSkipOn");
        assertThat(result.get("applyOnMatch")).isEqualTo("returned:fallback");
        assertThat(result.get("applyOnMiss")).isEqualTo("threw:IllegalStateException:not io");
        assertThat(result.get("skipOnMatch")).isEqualTo("threw:IllegalArgumentException:skipped");
        assertThat(result.get("skipOnMiss")).isEqualTo("returned:fallback");
        assertThat(result.get("narrowMatch")).isEqualTo("returned:narrow fallback for io");
        assertThat(result.get("narrowMiss")).isEqualTo("threw:IllegalStateException:state");
    }

    @Test
    void theFallbacksOwnExceptionReachesTheCaller() throws Exception {
        assertThat(run("fallbackExceptionReachesTheCaller").get("outcome"))
                .isEqualTo("threw:UnsupportedOperationException:fallback failed too");
    }

    @Test
    void bulwarksOwnRejectionsGoToTheFallback() throws Exception {
        ScenarioResult result = run("fallbackHandlesBulwarkRejections");
        assertThat(result.get("outcome"))
                .isEqualTo("returned:fallback after TimeoutExceededException of dev.bulwark.it.app.FallbackScenarios#slow");
        assertThat(result.getBoolean("interrupted")).isFalse();
    }

    @Test
    void aStaticFallbackAfterRetriesGetsTheLastFailure() throws Exception {
        ScenarioResult result = run("fallbackAfterRetriesGetsTheLastFailure");
        assertThat(result.get("outcome")).isEqualTo("returned:fallback got attempt 3");
        assertThat(result.getInt("calls")).isEqualTo(3);
    }

    @Test
    void aMissingOrMismatchedFallbackIsReportedAtWeavingAndTheMethodRunsWithoutIt() throws Exception {
        ScenarioResult result = run("badFallbacksAreReportedAndIgnored");
        assertThat(result.get("missing")).isEqualTo("threw:IllegalStateException:no fallback to run");
        assertThat(result.get("mismatched")).isEqualTo("threw:IllegalStateException:no fallback for a");
        assertThat(result.get("wrongReturn")).isEqualTo("threw:IllegalStateException:wrong return type");
        assertThat(result.stderr())
                .contains("fallback of dev.bulwark.it.app.FallbackScenarios#missingFallback ignored: expected a method 'doesNotExist(",
                        "found none")
                .contains("fallback of dev.bulwark.it.app.FallbackScenarios#mismatchedFallback ignored: expected a method "
                        + "'wrongParameters(java.lang.String[, Throwable])' returning java.lang.String", "parameter 1 is int")
                .contains("FallbackScenarios#mismatchedReturn ignored", "it returns java.lang.Integer");
    }
}
