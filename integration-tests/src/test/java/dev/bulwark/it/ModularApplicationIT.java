package dev.bulwark.it;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import java.io.File;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * An application on the module path: its named module requires the annotations by their module name, and
 * its woven methods reach the bridge in the bootstrap loader and throw the application's own view of Bulwark's
 * exceptions.
 */
class ModularApplicationIT {
    @Test
    void aNamedModuleIsWovenAndCatchesBulwarkExceptionsFromTheAnnotationsModule(@TempDir Path dir) throws Exception {
        Path annotations = AgentJvm.annotationsLocation();
        assumeTrue(Files.isRegularFile(annotations), "the annotations are not a jar here: " + annotations);
        Path application = compile(dir.resolve("classes"), annotations);

        List<String> command = new ArrayList<>();
        command.add(AgentJvm.javaHome().resolve("bin/java").toString());
        command.add("-javaagent:" + AgentJvm.AGENT_JAR);
        command.add("--module-path");
        command.add(annotations + File.pathSeparator + application);
        command.add("--module");
        command.add("com.acme.orders/com.acme.orders.Main");
        assumeTrue(Files.isRegularFile(AgentJvm.AGENT_JAR), "the agent jar is not built: " + AgentJvm.AGENT_JAR);
        ScenarioResult result = new AgentJvm.Running(new ProcessBuilder(command).start()).finish();

        assertThat(result.get("module")).isEqualTo("com.acme.orders");
        assertThat(result.get("flaky")).isEqualTo("returned:ok after 3");
        assertThat(result.get("open")).isEqualTo("caught CircuitOpenException of module dev.bulwark.annotations");
        assertThat(result.stderr()).doesNotContain("ERROR").doesNotContain("Exception");
    }

    /** Compiles the application's sources, kept under test resources, for the module path. */
    private static Path compile(Path out, Path annotations) throws IOException, URISyntaxException {
        Path sources = Paths.get(ModularApplicationIT.class.getResource("/modular/com.acme.orders").toURI());
        List<String> files;
        try (Stream<Path> walk = Files.walk(sources)) {
            files = walk.filter(file -> file.toString().endsWith(".java")).map(Path::toString).collect(Collectors.toList());
        }
        List<String> arguments = new ArrayList<>(List.of("--release", "11", "--module-path", annotations.toString(),
                "-d", out.toString()));
        arguments.addAll(files);
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        assertThat(javac.run(null, null, null, arguments.toArray(new String[0]))).as("javac exit code").isZero();
        return out;
    }
}
