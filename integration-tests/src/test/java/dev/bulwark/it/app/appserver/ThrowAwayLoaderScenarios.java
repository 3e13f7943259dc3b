package dev.bulwark.it.app.appserver;

import dev.bulwark.it.app.Report;

import java.lang.ref.WeakReference;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.function.Function;

/**
 * The guarded application in a plain JVM, loaded {@link Deployments#ROUNDS} times by a throw-away URLClassLoader
 * over its {@code WEB-INF/classes} and its own annotations jar (from {@code -Dscenario.webapp}), each dropped after
 * use and waited for until collected.
 */
public final class ThrowAwayLoaderScenarios {
    public static void main(String[] args) throws Throwable {
        Report.run(ThrowAwayLoaderScenarios.class, args);
    }

    public static void reloads() throws Exception {
        Path webapp = Paths.get(System.getProperty("scenario.webapp"));
        URL[] application = {webapp.resolve("WEB-INF/classes/").toUri().toURL(),
                webapp.resolve("WEB-INF/lib/bulwark-annotations.jar").toUri().toURL()};
        Deployments deployments = new Deployments();
        for (int round = 1; round <= Deployments.ROUNDS; round++) {
            deployments.awaitCollected("round " + round, useOnce(application, round, deployments));
        }
        deployments.report();
    }

    @SuppressWarnings("unchecked")
    private static WeakReference<ClassLoader> useOnce(URL[] application, int round, Deployments deployments) throws Exception {
        // The platform loader for parent: the application's classes are also on this JVM's class path.
        URLClassLoader loader = new URLClassLoader("application-" + round, application, ClassLoader.getPlatformClassLoader());
        Function<String, String> calls = (Function<String, String>) loader
                .loadClass("dev.bulwark.it.app.appserver.webapp.GuardedCalls").getConstructor().newInstance();
        deployments.exercise(round, calls);
        loader.close();
        return new WeakReference<>(loader);
    }
}
