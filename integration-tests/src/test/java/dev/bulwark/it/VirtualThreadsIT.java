package dev.bulwark.it;

import dev.bulwark.it.app.LimitsScenarios;
import dev.bulwark.it.app.TimeoutScenarios;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** The synchronous timeout and bulkhead behaviour, with callers on virtual threads (Java 21+). */
class VirtualThreadsIT {
    @BeforeEach
    void needsVirtualThreads() throws Exception {
        assumeTrue(AgentJvm.javaFeatureVersion() >= 21, "virtual threads need Java 21+; this run's JDK is older");
    }

    private static AgentJvm virtual() {
        return AgentJvm.withAgent().option("-Dscenario.virtual=true");
    }

    @Test
    void theWatchdogInterruptsAVirtualThreadAtItsDeadline() throws Exception {
        ScenarioResult result = virtual().run(TimeoutScenarios.class, "interruptsACallerThread");
        assertThat(result.getBoolean("virtual")).isTrue();
        assertThat(result.get("outcome")).startsWith("threw:TimeoutExceededException");
        assertThat(result.getBoolean("bodySawInterrupt")).isTrue();
        assertThat(result.getBoolean("interruptedAfter")).isFalse();
    }

    @Test
    void aSemaphoreBulkheadBoundsVirtualThreads() throws Exception {
        ScenarioResult result = virtual().run(LimitsScenarios.class, "semaphoreBulkhead");
        assertThat(result.getBoolean("bodiesOnVirtualThreads")).isTrue();
        assertThat(result.get("third")).startsWith("BulkheadFullException");
        assertThat(result.getInt("highWater")).isEqualTo(2);
    }

    @Test
    void manyVirtualThreadsNeverRunMoreThanMaxConcurrentBodies() throws Exception {
        ScenarioResult result = virtual().run(LimitsScenarios.class, "neverMoreThanMaxConcurrent");
        assertThat(result.getInt("highWater")).isBetween(1, 3);
        assertThat(result.getInt("total")).isEqualTo(8 * 20_000);
    }
}
