package dev.bulwark.it;

import net.bytebuddy.agent.ByteBuddyAgent;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Launches a scenario in a fresh JVM, by default with {@code -javaagent:agent/target/bulwark-agent.jar}.
 * The JDK is the one running the tests, or {@code -Dbulwark.it.java.home}; a configured JDK that is not on
 * this machine skips the test with a message rather than failing it.
 */
final class AgentJvm {
    static final Path AGENT_JAR = Paths.get(System.getProperty("bulwark.agent.jar", "../agent/target/bulwark-agent.jar")).toAbsolutePath().normalize();
    private static final long TIMEOUT_SECONDS = 120;

    private final List<String> jvmOptions = new ArrayList<>();
    private final List<String> optionsBeforeAgent = new ArrayList<>();
    private boolean withAgent = true;
    private Path agentJar = AGENT_JAR;
    private String agentArguments;

    static AgentJvm withAgent() {
        return new AgentJvm();
    }

    static AgentJvm withoutAgent() {
        AgentJvm jvm = new AgentJvm();
        jvm.withAgent = false;
        return jvm;
    }

    AgentJvm option(String... options) {
        jvmOptions.addAll(Arrays.asList(options));
        return this;
    }

    /** Options placed before Bulwark's {@code -javaagent}, such as another agent that must start first. */
    AgentJvm optionBeforeAgent(String... options) {
        optionsBeforeAgent.addAll(Arrays.asList(options));
        return this;
    }

    /** Runs the scenario with the tests' whole class path (an OpenTelemetry SDK, say), less the agent's classes. */
    AgentJvm withTestClassPath() {
        return classPath(fullTestClassPath());
    }

    /** Attaches this copy of the agent jar instead of the built one (one renamed, say). */
    AgentJvm agentJar(Path jar) {
        this.agentJar = jar.toAbsolutePath();
        return this;
    }

    AgentJvm agentArguments(String arguments) {
        this.agentArguments = arguments;
        return this;
    }

    static Path javaHome() {
        String configured = System.getProperty("bulwark.it.java.home");
        Path home = Paths.get(configured == null || configured.isBlank() ? System.getProperty("java.home") : configured);
        assumeTrue(Files.isExecutable(home.resolve("bin/java")),
                "no JDK at " + home + " (bulwark.it.java.home): skipping the tests on that JDK");
        return home;
    }

    static int javaFeatureVersion() throws IOException, InterruptedException {
        Process p = new ProcessBuilder(javaHome().resolve("bin/java").toString(), "-XshowSettings:properties", "-version")
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        p.waitFor();
        for (String line : out.split("\n")) {
            String trimmed = line.trim();
            if (trimmed.startsWith("java.specification.version = ")) {
                return Integer.parseInt(trimmed.substring("java.specification.version = ".length()).trim());
            }
        }
        throw new IllegalStateException("cannot read the Java version of " + javaHome() + ":\n" + out);
    }

    private String classPath = classPath();

    /** Runs the scenario on this class path instead of the fixtures'. */
    AgentJvm classPath(String classPath) {
        this.classPath = classPath;
        return this;
    }

    List<String> command(Class<?> scenarioClass, String scenario) {
        List<String> command = new ArrayList<>();
        command.add(javaHome().resolve("bin/java").toString());
        command.addAll(optionsBeforeAgent);
        if (withAgent) {
            command.add("-javaagent:" + agentJar + (agentArguments == null ? "" : "=" + agentArguments));
        }
        command.addAll(jvmOptions);
        command.add("-cp");
        command.add(classPath);
        command.add(scenarioClass.getName());
        command.add(scenario);
        return command;
    }

    static String classPath() {
        return testClasses() + File.pathSeparator + annotationsLocation();
    }

    /** Surefire's test class path: an application that ships its own libraries, but never Bulwark's agent. */
    static String fullTestClassPath() {
        String all = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        Path agentClasses = location(dev.bulwark.agent.BulwarkAgent.class);
        return Arrays.stream(all.split(File.pathSeparator))
                .filter(entry -> !Paths.get(entry).toAbsolutePath().normalize().equals(agentClasses))
                .collect(java.util.stream.Collectors.joining(File.pathSeparator));
    }

    static Path testClasses() {
        return location(AgentJvm.class);
    }

    static Path annotationsLocation() {
        return location(dev.bulwark.annotations.Retry.class);
    }

    static Path location(Class<?> type) {
        try {
            return Paths.get(type.getProtectionDomain().getCodeSource().getLocation().toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    ScenarioResult run(Class<?> scenarioClass, String scenario) throws IOException, InterruptedException {
        return start(scenarioClass, scenario).finish();
    }

    /**
     * Runs the scenario in a JVM started without the agent: once the scenario prints {@code READY} the agent jar
     * is attached to it, and then the line {@code GO} is sent, which the scenario waits for.
     */
    ScenarioResult runAttachingTheAgentWhenReady(Class<?> scenarioClass, String scenario) throws IOException,
            InterruptedException {
        if (javaFeatureVersion() >= 21) {
            option("-XX:+EnableDynamicAgentLoading");
        }
        Running running = start(scenarioClass, scenario);
        running.awaitOutput("READY");
        ByteBuddyAgent.attach(AGENT_JAR.toFile(), String.valueOf(running.pid()));
        running.send("GO");
        return running.finish();
    }

    Running start(Class<?> scenarioClass, String scenario) throws IOException {
        if (withAgent) {
            assumeTrue(Files.isRegularFile(agentJar), "the agent jar is not built: " + agentJar + " (run mvn verify)");
        }
        return new Running(new ProcessBuilder(command(scenarioClass, scenario)).start());
    }

    /** A scenario JVM still running: its output is collected as it comes. */
    static final class Running {
        private final Process process;
        private final StreamCollector out;
        private final StreamCollector err;

        Running(Process process) {
            this.process = process;
            this.out = new StreamCollector(process.getInputStream());
            this.err = new StreamCollector(process.getErrorStream());
            out.start();
            err.start();
        }

        long pid() {
            return process.pid();
        }

        void awaitOutput(String line) throws InterruptedException {
            if (!out.awaitLine(line, TIMEOUT_SECONDS)) {
                process.destroyForcibly();
                throw new AssertionError("the scenario did not print " + line + ":\n" + out.text() + err.text());
            }
        }

        /** Everything the scenario printed to standard output so far. */
        String output() {
            return out.text();
        }

        /** Ends a scenario that serves until stopped. */
        void stop() throws InterruptedException {
            process.destroy();
            if (!process.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        }

        void send(String line) throws IOException {
            OutputStream in = process.getOutputStream();
            in.write((line + "\n").getBytes(StandardCharsets.UTF_8));
            in.flush();
        }

        ScenarioResult finish() throws InterruptedException {
            if (!process.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new AssertionError("scenario JVM did not finish in " + TIMEOUT_SECONDS + "s; output so far:\n" + out.text() + err.text());
            }
            out.join();
            err.join();
            return new ScenarioResult(process.exitValue(), out.text(), err.text());
        }
    }

    private static final class StreamCollector extends Thread {
        private final InputStream in;
        private final StringBuilder text = new StringBuilder();

        StreamCollector(InputStream in) {
            this.in = in;
            setDaemon(true);
        }

        @Override
        public void run() {
            try (BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
                for (String line = reader.readLine(); line != null; line = reader.readLine()) {
                    synchronized (text) {
                        text.append(line).append('\n');
                        text.notifyAll();
                    }
                }
            } catch (IOException ignored) {
                // The process went away; what was read is all there is.
            }
        }

        boolean awaitLine(String line, long timeoutSeconds) throws InterruptedException {
            long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(timeoutSeconds);
            synchronized (text) {
                while (!("\n" + text).contains("\n" + line + "\n")) {
                    long left = end - System.nanoTime();
                    if (left <= 0 || !isAlive() && !("\n" + text).contains("\n" + line + "\n")) {
                        return false;
                    }
                    text.wait(Math.max(1, TimeUnit.NANOSECONDS.toMillis(left)));
                }
                return true;
            }
        }

        String text() {
            synchronized (text) {
                return text.toString();
            }
        }
    }
}
