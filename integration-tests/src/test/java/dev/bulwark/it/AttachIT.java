package dev.bulwark.it;

import dev.bulwark.it.app.AttachScenarios;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The attach command (docs/operations.md), run as its own process, {@code java -jar bulwark-agent.jar}, against
 * a running JVM whose legacy export job hammers a method: the emergency of a JVM that cannot be restarted.
 */
class AttachIT {
    private static final String EXPORT = "dev.bulwark.it.app.AttachScenarios$LegacyExport#exportRow";

    @TempDir
    Path dir;

    @Test
    void attachesARateLimitToAJvmStartedWithoutTheAgentAndRefusesMistakesWithoutTouchingIt() throws Exception {
        Target app = new Target(AgentJvm.withoutAgent().start(AttachScenarios.class, "serve"));
        String pid = String.valueOf(app.running.pid());
        Command list;
        Command noSuchProcess;
        Command attached;
        Command invalid;
        Path bad = dir.resolve("bad.conf");
        try {
            app.command("burst before");
            list = cli("list");
            noSuchProcess = cli("attach", String.valueOf(Integer.MAX_VALUE));

            attached = cli("attach", pid, "config=" + rateLimit("limit.conf", "permits = 5, period = 1h"));
            app.command("burst afterAttach");
            app.command("jobRejected job");

            write("bad.conf", "bulwark {\n  instrument = [ { class = \"dev.bulwark.it.app.AttachScenarios$LegacyExport\",\n"
                    + "    rate-limiter { permits = 0 } } ]\n}\n");
            invalid = cli("attach", pid, "config=" + bad);
            app.command("burst afterInvalid");
        } finally {
            app.running.send("quit");
        }
        ScenarioResult result = app.running.finish();

        assertThat(list.status).isZero();
        assertThat(list.stdout).containsPattern("(?m)^" + pid + "\t.*AttachScenarios serve$");

        assertThat(noSuchProcess.status).isNotZero();
        assertThat(noSuchProcess.stderr).isEqualTo("bulwark: no such process: " + Integer.MAX_VALUE + "\n");

        assertThat(attached.status).as(attached.toString()).isZero();
        assertThat(attached.stderr).isEmpty();
        assertThat(attached.stdout).contains("attached to JVM " + pid + ", config: " + dir.resolve("limit.conf"))
                .contains("1 method woven:\n  " + EXPORT + ": rate-limiter(").contains("permits=5");
        assertThat(result.get("before")).isEqualTo("permitted:20,limited:0");
        assertThat(result.get("afterAttach")).as("at most the burst of 5 the limit allows per hour")
                .matches("permitted:[0-5],limited:(1[5-9]|20)");
        assertThat(result.getLong("job")).as("the export job, already running, is rate-limited too").isPositive();

        assertThat(invalid.status).isNotZero();
        assertThat(invalid.stdout).isEmpty();
        assertThat(invalid.stderr).startsWith("bulwark: config invalid, nothing attached: " + bad + ": 3")
                .contains("'bulwark.instrument[0].rate-limiter.permits' expected an integer >= 1, found 0")
                .endsWith("\n").hasLineCount(1);
        assertThat(result.get("afterInvalid")).as("the first config still in force, unchanged")
                .isEqualTo("permitted:0,limited:20");
        assertThat(result.stderr()).contains("Bulwark 0.1.0-SNAPSHOT started (attached to a running JVM)")
                .doesNotContain("config loaded at attach").doesNotContain("refused").doesNotContain("ERROR");
    }

    @Test
    void attachingToAJvmThatRunsTheAgentMakesItLoadTheNewConfig() throws Exception {
        Path limited = rateLimit("limited.conf", "permits = 5, period = 1h");
        Target app = new Target(AgentJvm.withAgent().agentArguments("config=" + limited).start(AttachScenarios.class, "serve"));
        String pid = String.valueOf(app.running.pid());
        Command refusedThere;
        Command attached;
        try {
            app.command("jobRejected job");
            app.command("burst limited");
            // Valid where the command runs, which has the variable; the JVM attached to has not.
            refusedThere = cli(Map.of("BULWARK_IT_PERMITS", "7"), "attach", pid,
                    "config=" + rateLimit("environment.conf", "permits = ${BULWARK_IT_PERMITS}, period = 1s"));
            app.command("burst afterRefusal");
            attached = cli("attach", pid, "config=" + rateLimit("relaxed.conf", "permits = 100000, period = 1s"));
            app.command("burst relaxed");
        } finally {
            app.running.send("quit");
        }
        ScenarioResult result = app.running.finish();

        assertThat(refusedThere.status).isNotZero();
        assertThat(refusedThere.stderr).startsWith("bulwark: JVM " + pid + ": config " + dir.resolve("environment.conf"))
                .contains("refused; the last good config stays in force: ").contains("BULWARK_IT_PERMITS").hasLineCount(1);
        assertThat(result.get("afterRefusal")).isEqualTo("permitted:0,limited:20");

        assertThat(attached.status).as(attached.toString()).isZero();
        assertThat(attached.stdout).contains("was already running in JVM " + pid + "; config loaded from "
                        + dir.resolve("relaxed.conf") + " (from agent argument config=): 1 call site changed")
                .contains("  " + EXPORT + ": rate-limiter(").contains("permits=100000");
        assertThat(result.get("limited")).isEqualTo("permitted:0,limited:20");
        assertThat(result.get("relaxed")).isEqualTo("permitted:20,limited:0");
        assertThat(result.stderr()).contains("config loaded at attach from " + dir.resolve("relaxed.conf"));
        assertThat(result.stderr().split("started", -1)).as("one agent, not a second one installed").hasSize(2);
    }

    @Test
    void aJvmThatForbidsAttachIsReportedInOneLine() throws Exception {
        Target app = new Target(AgentJvm.withoutAgent().option("-XX:+DisableAttachMechanism").start(AttachScenarios.class, "serve"));
        String pid = String.valueOf(app.running.pid());
        Command refused;
        try {
            refused = cli("attach", pid, "config=" + rateLimit("limit.conf", "permits = 5, period = 1h"));
            app.command("burst afterRefusal");
        } finally {
            app.running.send("quit");
        }
        ScenarioResult result = app.running.finish();

        assertThat(refused.status).isNotZero();
        assertThat(refused.stdout).isEmpty();
        assertThat(refused.stderr).startsWith("bulwark: cannot attach to JVM " + pid + ": AttachNotSupportedException: ")
                .contains("-XX:+DisableAttachMechanism").hasLineCount(1);
        assertThat(result.get("afterRefusal")).isEqualTo("permitted:20,limited:0");
    }

    private Path rateLimit(String file, String settings) throws IOException {
        return write(file, "bulwark {\n  instrument = [ { class = \"dev.bulwark.it.app.AttachScenarios$LegacyExport\","
                + " method = exportRow,\n    rate-limiter { " + settings + " } } ]\n}\n");
    }

    private Path write(String file, String content) throws IOException {
        Path path = dir.resolve(file);
        Files.writeString(path, content);
        return path;
    }

    /** Runs the agent jar's command line to the end, on the JDK the tested JVMs run on. */
    private static Command cli(String... args) throws IOException, InterruptedException {
        return cli(Map.of(), args);
    }

    private static Command cli(Map<String, String> environment, String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(AgentJvm.javaHome().resolve("bin/java").toString(), "-jar",
                AgentJvm.AGENT_JAR.toString()));
        command.addAll(Arrays.asList(args));
        ProcessBuilder builder = new ProcessBuilder(command);
        builder.environment().putAll(environment);
        Process process = builder.start();
        process.getOutputStream().close();
        // The outputs are a few lines, well within the pipes' buffers, so they are read once the process ended.
        if (!process.waitFor(120, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("the command did not end: " + command);
        }
        return new Command(process.exitValue(), new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8),
                new String(process.getErrorStream().readAllBytes(), StandardCharsets.UTF_8));
    }

    private static final class Command {
        final int status;
        final String stdout;
        final String stderr;

        Command(int status, String stdout, String stderr) {
            this.status = status;
            this.stdout = stdout;
            this.stderr = stderr;
        }

        @Override
        public String toString() {
            return "exit " + status + "\n" + stdout + stderr;
        }
    }

    /** A scenario JVM serving commands, each answered with {@code done <n>}. */
    private static final class Target {
        final AgentJvm.Running running;
        private int commands;

        Target(AgentJvm.Running running) throws InterruptedException {
            this.running = running;
            running.awaitOutput("serving");
        }

        void command(String command) throws IOException, InterruptedException {
            running.send(command);
            running.awaitOutput("done " + ++commands);
        }
    }
}
