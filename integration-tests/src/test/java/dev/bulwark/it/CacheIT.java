package dev.bulwark.it;

import dev.bulwark.it.app.CacheScenarios;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.FileSystem;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.jar.Manifest;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The cache of woven classes across JVMs sharing one directory: a second start defines the classes from it,
 * without building Byte Buddy, and they behave and report as woven; another build of the agent, a corrupt entry,
 * another config, and a directory others can write each fall back to weaving, the corrupt entry and the directory
 * with one warning.
 */
class CacheIT {
    private static final String ANNOTATED = CacheScenarios.class.getName() + "$Annotated";
    private static final String CONFIGURED = CacheScenarios.class.getName() + "$Configured";
    private static final String BYTE_BUDDY_BUILT = "bytebuddy.agent.builder.AgentBuilder$Default ";
    private static final String BUILD = "Bulwark-Build";

    @TempDir
    Path dir;

    @Test
    void aSecondStartDefinesTheClassesFromTheCacheAndTheyBehaveAsWoven() throws Exception {
        Path cache = dir.resolve("cache");
        Path twoAttempts = config("two.conf", 2);

        ScenarioResult miss = run(cache, twoAttempts);
        assertWovenWith(miss, 2);
        assertThat(miss.stderr()).doesNotContain("from the cache");
        assertThat(miss.stdout()).contains(BYTE_BUDDY_BUILT);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(cache))).isEqualTo("rwx------");
        assertThat(entries(cache)).hasSizeGreaterThanOrEqualTo(2)
                .allSatisfy(entry -> assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(entry)))
                        .isEqualTo("rw-------"));

        ScenarioResult hit = run(cache, twoAttempts);
        assertWovenWith(hit, 2);
        assertThat(hit.stderr()).contains("defined " + ANNOTATED + " from the cache", "defined " + CONFIGURED + " from the cache");
        assertThat(hit.stdout()).as("Byte Buddy is not built when every class comes from the cache")
                .doesNotContain(BYTE_BUDDY_BUILT);

        ScenarioResult otherBuild = run(cache, twoAttempts, anotherBuild());
        assertWovenWith(otherBuild, 2);
        assertThat(otherBuild.stderr()).as("another build of the agent may weave otherwise").doesNotContain("from the cache");

        for (Path entry : entries(cache)) {
            byte[] bytes = Files.readAllBytes(entry);
            Files.write(entry, java.util.Arrays.copyOf(bytes, bytes.length / 2));
        }
        ScenarioResult corrupt = run(cache, twoAttempts);
        assertWovenWith(corrupt, 2);
        assertThat(corrupt.stderr()).doesNotContain("from the cache");
        assertThat(occurrences(corrupt.stderr(), "is truncated or corrupt")).isEqualTo(1);

        ScenarioResult otherConfig = run(cache, config("four.conf", 4));
        assertWovenWith(otherConfig, 4);
        assertThat(otherConfig.stderr()).doesNotContain("from the cache");

        Files.setPosixFilePermissions(cache, PosixFilePermissions.fromString("rwxrwxrwx"));
        ScenarioResult othersCanWrite = run(cache, twoAttempts);
        assertWovenWith(othersCanWrite, 2);
        assertThat(othersCanWrite.stderr()).doesNotContain("from the cache");
        assertThat(occurrences(othersCanWrite.stderr(), "is writable by others than its owner")).isEqualTo(1);
    }

    /**
     * A deployment that names only the cache's directory, by a system property, keeps its config read beside
     * the application's start (BuiltInDefaultsTest) and still finds its classes in that directory.
     */
    @Test
    void theCacheDirOfASystemPropertyAloneIsUsedWithTheBuiltInDefaults() throws Exception {
        Path cache = dir.resolve("cache");

        ScenarioResult miss = run(cache, null);
        assertWovenWith(miss, 1);
        assertThat(miss.stderr()).contains("config: built-in defaults").doesNotContain("from the cache");
        assertThat(entries(cache)).isNotEmpty();

        ScenarioResult hit = run(cache, null);
        assertWovenWith(hit, 1);
        assertThat(hit.stderr()).contains("defined " + ANNOTATED + " from the cache");
    }

    /**
     * An attach retransforms the classes already loaded. A class that loaded meanwhile on the attaching thread
     * (describing a loaded class by reflection loads its methods' parameter types) was left unwoven by Byte
     * Buddy, which weaves no class inside its own weaving: it ran unprotected in that JVM, and the cache kept it
     * as a class to leave as it is, so that every later start ran it unprotected too.
     */
    @Test
    void aClassLoadingWhileAnAttachRetransformsIsWovenAndNotKeptUnwoven() throws Exception {
        Path cache = dir.resolve("cache");
        ScenarioResult attached = AgentJvm.withoutAgent().option("-Dbulwark.cache.dir=" + cache)
                .runAttachingTheAgentWhenReady(CacheScenarios.class, "attachThenCall");
        assertThat(attached.get("before")).as(attached.toString()).isEqualTo("returned:not yet");
        assertThat(attached.get("after")).isEqualTo("returned:ok");
        assertThat(attached.getInt("afterAttempts")).isEqualTo(3);

        ScenarioResult started = AgentJvm.withAgent().option("-Dbulwark.cache.dir=" + cache)
                .run(CacheScenarios.class, "callsAttachedLater");
        assertThat(started.get("after")).as(started.toString()).isEqualTo("returned:ok");
        assertThat(started.getInt("afterAttempts")).isEqualTo(3);
    }

    /** @param config the config file, or null for the built-in defaults */
    private ScenarioResult run(Path cache, Path config) throws IOException, InterruptedException {
        return run(cache, config, AgentJvm.AGENT_JAR);
    }

    private ScenarioResult run(Path cache, Path config, Path agentJar) throws IOException, InterruptedException {
        ScenarioResult result = AgentJvm.withAgent().agentJar(agentJar).agentArguments(config == null ? null : "config=" + config)
                .option("-Dbulwark.cache.dir=" + cache, "-Dbulwark.log=debug", "-Xlog:class+load=info")
                .run(CacheScenarios.class, "calls");
        assertThat(result.exitCode()).as(result.toString()).isZero();
        return result;
    }

    private static void assertWovenWith(ScenarioResult result, int configuredAttempts) {
        assertThat(result.get("retried")).as(result.toString()).isEqualTo("returned:ok");
        assertThat(result.getInt("retriedAttempts")).isEqualTo(3);
        assertThat(result.get("fellBack")).isEqualTo("returned:spare after broken");
        assertThat(result.get("classLevel")).isEqualTo("returned:ok");
        assertThat(result.getInt("classLevelAttempts")).isEqualTo(3);
        assertThat(result.get("configured")).isEqualTo("threw:IllegalStateException:always");
        assertThat(result.getInt("configuredAttempts")).isEqualTo(configuredAttempts);
        assertThat(result.get("plain")).isEqualTo("returned:plain");
        assertThat(occurrences(result.stderr(), "ERROR")).as(result.stderr()).isEqualTo(1);
        assertThat(occurrences(result.stderr(), "fallback of " + ANNOTATED + "#unfit ignored")).isEqualTo(1);
    }

    private Path config(String name, int attempts) throws IOException {
        return Files.writeString(dir.resolve(name), "bulwark.instrument = [{ class = \"" + CONFIGURED + "\", method = call,"
                + " retry { max-attempts = " + attempts + ", delay = 1ms } }]\n");
    }

    /** The agent jar as another build of it would be: the same classes, another build named in its manifest. */
    private Path anotherBuild() throws IOException {
        Path copy = Files.copy(AgentJvm.AGENT_JAR, dir.resolve("another-build.jar"));
        try (FileSystem jar = FileSystems.newFileSystem(copy, (ClassLoader) null)) {
            Path entry = jar.getPath("META-INF/MANIFEST.MF");
            Manifest manifest;
            try (InputStream in = Files.newInputStream(entry)) {
                manifest = new Manifest(in);
            }
            String build = manifest.getMainAttributes().getValue(BUILD);
            assertThat(build).as("the build writes %s into the manifest", BUILD).isNotBlank();
            manifest.getMainAttributes().putValue(BUILD, "another-" + build);
            try (OutputStream out = Files.newOutputStream(entry)) {
                manifest.write(out);
            }
        }
        return copy;
    }

    private static List<Path> entries(Path cache) throws IOException {
        try (Stream<Path> files = Files.list(cache)) {
            return files.filter(file -> file.toString().endsWith(".woven")).collect(Collectors.toList());
        }
    }

    private static int occurrences(String text, String part) {
        int count = 0;
        for (int at = text.indexOf(part); at >= 0; at = text.indexOf(part, at + 1)) {
            count++;
        }
        return count;
    }
}
