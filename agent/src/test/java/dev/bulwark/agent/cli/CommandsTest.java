package dev.bulwark.agent.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** What the command refuses before it attaches to anything; attaching itself is proven by AttachIT. */
class CommandsTest {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    @TempDir
    Path dir;

    private int run(String... args) {
        return Commands.run(new File("bulwark-agent.jar"), args, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    private String err() {
        return err.toString(StandardCharsets.UTF_8);
    }

    @Test
    void aWrongCallGetsTheUsageInOneLine() {
        assertThat(run()).isEqualTo(Commands.USAGE);
        assertThat(run("attach")).isEqualTo(Commands.USAGE);
        assertThat(run("attach", "12", "conf=/x")).isEqualTo(Commands.USAGE);
        assertThat(run("attach", "twelve")).isEqualTo(Commands.USAGE);

        assertThat(err().split("\n")).hasSize(4).allMatch(line -> line.startsWith("bulwark: ") && line.contains("usage: "));
        assertThat(err()).contains("not a process id: 'twelve'").contains("expected config=/path/bulwark.conf, found 'conf=/x'");
        assertThat(out.size()).isZero();
    }

    @Test
    void aProcessThatIsNotThereOrIsThisJvmIsRefused() {
        assertThat(run("attach", String.valueOf(Long.MAX_VALUE))).isEqualTo(Commands.FAILED);
        assertThat(run("attach", String.valueOf(ProcessHandle.current().pid()))).isEqualTo(Commands.FAILED);

        assertThat(err()).isEqualTo("bulwark: no such process: " + Long.MAX_VALUE + "\n"
                + "bulwark: process " + ProcessHandle.current().pid() + " is this command's own JVM\n");
    }

    @Test
    void aProcessThatIsNotAJvmIsRefusedAndLeftAlive() throws Exception {
        assumeTrue(Files.isDirectory(Path.of("/proc/self")), "signal dispositions are read from /proc (Linux)");
        Process notAJvm = new ProcessBuilder("sleep", "120").start();
        try {
            assertThat(run("attach", String.valueOf(notAJvm.pid()))).isEqualTo(Commands.FAILED);

            assertThat(err()).startsWith("bulwark: process " + notAJvm.pid() + " is not a JVM that can be attached to: ")
                    .contains("SIGQUIT");
            assertThat(err().split("\n")).hasSize(1);
            assertThat(notAJvm.isAlive()).isTrue();
        } finally {
            notAJvm.destroyForcibly();
        }
    }

    @Test
    void anInvalidConfigIsRefusedWithItsKeyAndLineBeforeAttaching() throws IOException {
        Path config = dir.resolve("bulwark.conf");
        Files.writeString(config, "bulwark {\n  instrument = [ { class = \"com.acme.Export\", method = run,\n"
                + "    rate-limiter { permits = -5 } } ]\n}\n");

        assertThat(run("attach", String.valueOf(ProcessHandle.current().parent().orElseThrow().pid()), "config=" + config))
                .isEqualTo(Commands.FAILED);

        assertThat(err()).startsWith("bulwark: config invalid, nothing attached: ").contains(config + ": 3")
                .contains("'bulwark.instrument[0].rate-limiter.permits' expected ").endsWith("\n");
        assertThat(err().split("\n")).hasSize(1);
    }

    @Test
    void aConfigThatIsNotThereIsRefused() {
        assertThat(run("attach", String.valueOf(ProcessHandle.current().parent().orElseThrow().pid()),
                "config=" + dir.resolve("missing.conf"))).isEqualTo(Commands.FAILED);

        assertThat(err()).startsWith("bulwark: config invalid, nothing attached: ").contains("missing.conf")
                .contains("no such file");
    }
}
