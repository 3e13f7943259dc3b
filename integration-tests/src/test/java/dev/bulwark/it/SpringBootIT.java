package dev.bulwark.it;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * A Spring Boot WebFlux application (the {@code spring-app} module) run the ways Spring Boot deploys it, with the
 * agent: as its fat jar, whose classes a Spring Boot loader reads from nested jars, and extracted with a class data
 * sharing archive (JDK 17) or an AOT cache (JDK 25) made the way Spring Boot's documentation makes them
 * ({@code -Dspring.context.exit=onRefresh}). Its {@code /quote} endpoint calls a service that fails twice before
 * each answer, so only a woven {@code @Retry} answers.
 */
class SpringBootIT {
    private static final Path APP = Paths.get(System.getProperty("bulwark.it.spring.app.jar",
            "../spring-app/target/bulwark-spring-app-exec.jar")).toAbsolutePath().normalize();
    private static final long START_SECONDS = 180;
    private static final Pattern PORT = Pattern.compile("(?m)^PORT=(\\d+)$");

    @Test
    void aServiceInTheFatJarIsProtected(@TempDir Path dir) throws Exception {
        try (Server app = Server.start(dir.resolve("fat.log"), List.of("-javaagent:" + AgentJvm.AGENT_JAR), APP)) {
            assertThat(app.get("/quote?sku=pear")).isEqualTo("quote for pear after 3 attempts");
            assertThat(app.log()).contains("[bulwark] INFO Bulwark ").doesNotContain("[bulwark] ERROR");
        }
    }

    @Test
    void theClassDataSharingDeploymentStaysInUseWithTheAgent(@TempDir Path dir) throws Exception {
        Path extracted = dir.resolve("extracted");
        exec(dir.resolve("extract.log"), List.of("-Djarmode=tools"), List.of("-jar", APP.toString(), "extract",
                "--destination", extracted.toString()));
        Path jar = extracted.resolve(APP.getFileName());
        assertThat(jar).exists();
        String agent = "-javaagent:" + AgentJvm.AGENT_JAR;
        List<String> shared = new ArrayList<>();
        if (AgentJvm.javaFeatureVersion() < 24) {
            Path archive = dir.resolve("app.jsa");
            exec(dir.resolve("training.log"), List.of("-XX:ArchiveClassesAtExit=" + archive,
                    "-Dspring.context.exit=onRefresh"), List.of("-jar", jar.toString()));
            shared.add("-XX:SharedArchiveFile=" + archive);
        } else {
            Path cache = dir.resolve("app.aot");
            exec(dir.resolve("training.log"), List.of(agent, "-XX:AOTCacheOutput=" + cache,
                    "-Dspring.context.exit=onRefresh"), List.of("-jar", jar.toString()));
            shared.add("-XX:AOTCache=" + cache);
        }
        Path classes = dir.resolve("classes.log");
        List<String> options = new ArrayList<>(List.of(agent, "-Xlog:class+load=info:file=" + classes));
        options.addAll(shared);
        try (Server app = Server.start(dir.resolve("run.log"), options, jar)) {
            assertThat(app.get("/quote?sku=fig")).isEqualTo("quote for fig after 3 attempts");
            assertThat(app.log()).contains("[bulwark] INFO Bulwark ").doesNotContain("[bulwark] ERROR")
                    .doesNotContain("[error]").doesNotContain("Unable to use shared archive");
        }
        assertThat(Files.readAllLines(classes)).as("Spring's classes come from the archive")
                .anyMatch(line -> line.contains("org.springframework.context.ApplicationContext source: shared objects file"));
    }

    private static void exec(Path log, List<String> options, List<String> arguments) throws Exception {
        List<String> command = new ArrayList<>();
        command.add(AgentJvm.javaHome().resolve("bin/java").toString());
        command.addAll(options);
        command.addAll(arguments);
        Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        boolean ended = process.waitFor(START_SECONDS, TimeUnit.SECONDS);
        if (!ended) {
            process.destroyForcibly();
        }
        assertThat(ended && process.exitValue() == 0).as(String.join(" ", command) + "\n" + Files.readString(log))
                .isTrue();
    }

    /** The application, serving on a free port of 127.0.0.1 until closed. */
    private static final class Server implements AutoCloseable {
        private final Process process;
        private final Path log;
        private final int port;

        private Server(Process process, Path log, int port) {
            this.process = process;
            this.log = log;
            this.port = port;
        }

        static Server start(Path log, List<String> options, Path jar) throws Exception {
            assumeTrue(Files.isRegularFile(jar), "no Spring Boot fixture at " + jar + ": build the spring-app module");
            List<String> command = new ArrayList<>();
            command.add(AgentJvm.javaHome().resolve("bin/java").toString());
            command.addAll(options);
            command.addAll(List.of("-jar", jar.toString(), "--server.port=0", "--server.address=127.0.0.1"));
            Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
            long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(START_SECONDS);
            while (System.nanoTime() < end && process.isAlive()) {
                Matcher port = PORT.matcher(Files.readString(log, StandardCharsets.UTF_8));
                if (port.find()) {
                    return new Server(process, log, Integer.parseInt(port.group(1)));
                }
                Thread.sleep(100);
            }
            process.destroyForcibly();
            throw new AssertionError("the application did not start:\n" + Files.readString(log));
        }

        String get(String path) throws IOException, InterruptedException {
            HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + port + path)).timeout(Duration.ofSeconds(30)).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(response.statusCode()).as(response.body() + "\n" + log()).isEqualTo(200);
            return response.body();
        }

        String log() throws IOException {
            return Files.readString(log, StandardCharsets.UTF_8);
        }

        @Override
        public void close() throws InterruptedException {
            process.destroy();
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        }
    }
}
