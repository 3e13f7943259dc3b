package dev.bulwark.it;

import dev.bulwark.it.app.SharingScenarios;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The application's class data sharing archive (JDK 17: {@code -XX:ArchiveClassesAtExit}, as Spring Boot's CDS
 * deployment makes it) and AOT cache (JDK 25: {@code -XX:AOTCacheOutput}) stay in use with the agent: its shared
 * classes are defined in the bootstrap loader without changing the boot class path, which either would refuse.
 * The archive holds only classes from jars, so the scenario runs from one.
 */
class ClassDataSharingIT {
    private static final String PLAIN = SharingScenarios.class.getName() + " source: shared objects file";

    @TempDir
    static Path dir;
    private static String classPath;

    @BeforeAll
    static void jarTheScenarios() throws IOException {
        Path jar = dir.resolve("scenarios.jar");
        Path classes = AgentJvm.testClasses();
        try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar));
             Stream<Path> files = Files.walk(classes.resolve("dev/bulwark/it/app"), 1)) {
            for (Path file : files.filter(Files::isRegularFile).collect(Collectors.toList())) {
                out.putNextEntry(new JarEntry(classes.relativize(file).toString().replace(File.separatorChar, '/')));
                Files.copy(file, (OutputStream) out);
                out.closeEntry();
            }
        }
        classPath = jar + File.pathSeparator + AgentJvm.annotationsLocation();
    }

    /** Trained without the agent, the way an application made its archive before it had one. */
    @Test
    void anArchiveMadeWithoutTheAgentIsUsedWithIt() throws Exception {
        assumeTrue(AgentJvm.javaFeatureVersion() < 24, "JDK 24+ makes an AOT cache instead: see the next test");
        Path archive = dir.resolve("app.jsa");
        ScenarioResult training = AgentJvm.withoutAgent().classPath(classPath)
                .option("-XX:ArchiveClassesAtExit=" + archive).run(SharingScenarios.class, "protectedCall");
        assertThat(training.get("outcome")).as(training.toString()).startsWith("threw:");
        assertThat(archive).exists();

        ScenarioResult result = AgentJvm.withAgent().classPath(classPath)
                .option("-XX:SharedArchiveFile=" + archive, "-Xshare:auto", "-Xlog:class+load=info")
                .run(SharingScenarios.class, "protectedCall");

        assertProtectedWithSharedClasses(result);
        assertThat(result.stdout() + result.stderr()).doesNotContain("Unable to use shared archive");
    }

    /** JDK 25's AOT cache records the classes as the training run loaded them, so it is made with the agent. */
    @Test
    void anAotCacheMadeWithTheAgentIsUsedWithIt() throws Exception {
        assumeTrue(AgentJvm.javaFeatureVersion() >= 25, "the AOT cache needs JDK 25");
        Path cache = dir.resolve("app.aot");
        ScenarioResult training = AgentJvm.withAgent().classPath(classPath)
                .option("-XX:AOTCacheOutput=" + cache).run(SharingScenarios.class, "protectedCall");
        assertThat(training.get("outcome")).as(training.toString()).isEqualTo("returned:ok");
        assertThat(cache).exists();

        ScenarioResult result = AgentJvm.withAgent().classPath(classPath)
                .option("-XX:AOTCache=" + cache, "-Xlog:class+load=info")
                .run(SharingScenarios.class, "protectedCall");

        assertProtectedWithSharedClasses(result);
        assertThat(result.stdout() + result.stderr()).doesNotContain("[error]");
    }

    private static void assertProtectedWithSharedClasses(ScenarioResult result) {
        assertThat(result.get("outcome")).as(result.toString()).isEqualTo("returned:ok");
        assertThat(result.getInt("attempts")).isEqualTo(3);
        assertThat(List.of(result.stdout().split("\n"))).as("the scenario's unprotected class comes from the archive")
                .anyMatch(line -> line.contains(PLAIN));
        assertThat(result.stderr()).contains("[bulwark] INFO Bulwark ").doesNotContain("ERROR");
    }
}
