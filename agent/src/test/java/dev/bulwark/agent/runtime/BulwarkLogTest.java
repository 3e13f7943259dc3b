package dev.bulwark.agent.runtime;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

class BulwarkLogTest {
    @Test
    void levelNamesAreReadInAnyCaseAndAnUnknownOneMeansInfo() {
        assertThat(BulwarkLog.levelOf(" Debug ")).isEqualTo(BulwarkLog.Level.DEBUG);
        assertThat(BulwarkLog.levelOf("trace")).isEqualTo(BulwarkLog.Level.DEBUG);
        assertThat(BulwarkLog.levelOf("WARNING")).isEqualTo(BulwarkLog.Level.WARN);
        assertThat(BulwarkLog.levelOf("error")).isEqualTo(BulwarkLog.Level.ERROR);
        assertThat(BulwarkLog.levelOf("off")).isEqualTo(BulwarkLog.Level.OFF);
        assertThat(BulwarkLog.levelOf("loud")).isEqualTo(BulwarkLog.Level.INFO);
    }

    @Test
    void aReportIsOneLineWithItsLevelThenTheStackTraceOfItsCause() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);

        BulwarkLog.write(out, BulwarkLog.Level.WARN, "careful", null);
        BulwarkLog.write(out, BulwarkLog.Level.ERROR, "broken", new IllegalStateException("because"));

        String[] lines = bytes.toString(StandardCharsets.UTF_8).split(System.lineSeparator());
        assertThat(lines[0]).isEqualTo("[bulwark] WARN careful");
        assertThat(lines[1]).isEqualTo("[bulwark] ERROR broken");
        assertThat(lines[2]).isEqualTo("java.lang.IllegalStateException: because");
        assertThat(lines[3]).contains("at dev.bulwark.agent.runtime.BulwarkLogTest.");
    }
}
