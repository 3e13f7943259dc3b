package dev.bulwark.it;

import dev.bulwark.it.app.appserver.ThrowAwayLoaderScenarios;
import dev.bulwark.it.app.appserver.TomcatScenarios;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * An application server with the agent: a WAR-like application, carrying its own bulwark-annotations jar, deployed
 * side by side and redeployed again and again in an embedded Tomcat, and the same application loaded by throw-away
 * class loaders in a plain JVM. Every policy works in every deployment, a method's own policy is its deployment's,
 * nothing of Bulwark keeps an undeployed application's class loader, and the site table does not grow.
 */
class AppServerIT {
    private static final String WEBAPP_PACKAGE = "dev/bulwark/it/app/appserver/webapp";
    /** The methods Guarded protects; two deployments may be alive at once. */
    private static final int SITES_PER_DEPLOYMENT = 7;
    private static final Pattern SITES_IN_USE = Pattern.compile("\\((\\d+) sites in use\\)");

    @TempDir
    Path webapp;

    @Test
    void tomcatRedeploysLeakNothingAndEachDeploymentHasItsOwnUnnamedPolicies() throws Exception {
        ScenarioResult result = tomcat().run(TomcatScenarios.class, "redeploys");

        assertThat(result.get("app-limiter")).isEqualTo("ok,ok,limited");
        assertThat(result.get("app2-limiter")).as("the other deployment's own limiter").isEqualTo("ok,ok,limited");
        assertThat(result.get("app-named")).isEqualTo("open");
        assertThat(result.get("app2-named")).as("a named breaker is shared JVM-wide").isEqualTo("open");
        assertThat(result.get("redeployed-named")).as("and survives a redeploy").isEqualTo("open");
        assertThat(result.get("limiter-scopes")).as("each deployment's own limiter, counted apart")
                .isEqualTo("2 [ParallelWebappClassLoader, ParallelWebappClassLoader]");
        assertThat(result.get("breaker-state-scopes")).as("each deployment's own breaker, in the state gauge")
                .isEqualTo("2 [ParallelWebappClassLoader, ParallelWebappClassLoader]");
        assertThat(result.get("named-state-scopes")).as("a JVM-wide breaker has no scope").isEqualTo("1 [none]");
        assertRedeploysClean(result);
        assertThat(result.get("tomcat-leaks")).isEqualTo("[]");
        assertThat(result.stderr()).doesNotContain("failed to stop it").doesNotContain("Illegal access")
                .doesNotContain("memory leak").doesNotContain("add-opens").doesNotContain("[bulwark] ERROR");
    }

    @Test
    void withNamesPerClassLoaderADeploymentsNamedBreakerIsItsOwn() throws Exception {
        ScenarioResult result = tomcat().option("-Dbulwark.shared-names=class-loader").run(TomcatScenarios.class, "redeploys");

        assertThat(result.get("app-named")).isEqualTo("open");
        assertThat(result.get("app2-named")).isEqualTo("closed");
        assertThat(result.get("redeployed-named")).as("a redeploy starts fresh").isEqualTo("closed");
        assertThat(result.get("named-state-scopes")).as("each deployment's named breaker, in the state gauge")
                .isEqualTo("2 [ParallelWebappClassLoader, ParallelWebappClassLoader]");
        assertRedeploysClean(result);
        assertThat(result.get("tomcat-leaks")).isEqualTo("[]");
    }

    @Test
    void throwAwayLoadersInAPlainJvmLeakNothing() throws Exception {
        ScenarioResult result = AgentJvm.withAgent().withTestClassPath()
                .option("-Dbulwark.log=debug", "-Dscenario.webapp=" + buildWebapp())
                .run(ThrowAwayLoaderScenarios.class, "reloads");

        assertRedeploysClean(result);
    }

    /** With the options Tomcat's own start script gives the JVM, without which it skips some of its leak checks. */
    private AgentJvm tomcat() throws IOException {
        return AgentJvm.withAgent().withTestClassPath()
                .option("--add-opens=java.base/java.lang=ALL-UNNAMED", "--add-opens=java.base/java.io=ALL-UNNAMED",
                        "--add-opens=java.base/java.util=ALL-UNNAMED", "--add-opens=java.base/java.util.concurrent=ALL-UNNAMED",
                        "--add-opens=java.rmi/sun.rmi.transport=ALL-UNNAMED")
                .option("-Dbulwark.log=debug", "-Dscenario.webapp=" + buildWebapp());
    }

    private static void assertRedeploysClean(ScenarioResult result) {
        assertThat(result.get("unexpected")).isEqualTo("none");
        assertThat(result.getInt("undeployed")).isGreaterThanOrEqualTo(result.getInt("rounds"));
        assertThat(result.get("kept")).as("undeployed loaders not collected").isEqualTo("none");
        assertThat(result.getInt("collected")).isEqualTo(result.getInt("undeployed"));
        Matcher sites = SITES_IN_USE.matcher(result.stderr());
        int most = 0;
        int reports = 0;
        while (sites.find()) {
            most = Math.max(most, Integer.parseInt(sites.group(1)));
            reports++;
        }
        assertThat(reports).as("sites woven, in every deployment").isGreaterThanOrEqualTo(SITES_PER_DEPLOYMENT * 12);
        assertThat(most).as("sites in use at most").isLessThanOrEqualTo(2 * SITES_PER_DEPLOYMENT);
    }

    /** {@code WEB-INF/classes} with the application's classes, {@code WEB-INF/lib} with its annotations jar. */
    private Path buildWebapp() throws IOException {
        Path classes = webapp.resolve("WEB-INF/classes");
        Path source = AgentJvm.testClasses().resolve(WEBAPP_PACKAGE);
        Path target = classes.resolve(WEBAPP_PACKAGE);
        Files.createDirectories(target);
        try (Stream<Path> files = Files.list(source)) {
            for (Path file : (Iterable<Path>) files::iterator) {
                Files.copy(file, target.resolve(file.getFileName().toString()));
            }
        }
        Path lib = Files.createDirectories(webapp.resolve("WEB-INF/lib"));
        Path annotations = AgentJvm.annotationsLocation();
        Path jar = lib.resolve("bulwark-annotations.jar");
        if (Files.isDirectory(annotations)) {
            jarUp(annotations, jar);
        } else {
            Files.copy(annotations, jar);
        }
        return webapp;
    }

    private static void jarUp(Path directory, Path jar) throws IOException {
        try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar)); Stream<Path> files = Files.walk(directory)) {
            for (Path file : (Iterable<Path>) files.filter(Files::isRegularFile)::iterator) {
                out.putNextEntry(new JarEntry(directory.relativize(file).toString().replace('\\', '/')));
                Files.copy(file, out);
                out.closeEntry();
            }
        }
    }
}
