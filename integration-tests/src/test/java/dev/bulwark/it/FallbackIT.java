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
    void bulwarksOwnRejectionsGoToTheFallback() throws Exception {
        ScenarioResult result = run("fallbackHandlesBulwarkRejections");
        assertThat(result.get("outcome"))
                .isEqualTo("returned:fallback after TimeoutExceededException of dev.bulwark.it.app.FallbackScenarios#slow");
        assertThat(result.getBoolean("interrupted")).isFalse();
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
