package dev.bulwark.agent.runtime;

import dev.bulwark.agent.admin.AdminEndpoint;
import dev.bulwark.agent.bootstrap.BulwarkBridge;
import dev.bulwark.agent.chain.CallObserver;
import dev.bulwark.agent.chain.CallSites;
import dev.bulwark.agent.chain.ChainDispatcher;
import dev.bulwark.agent.chain.PolicyRegistry;
import dev.bulwark.agent.config.BuiltInDefaults;
import dev.bulwark.agent.config.BulwarkConfig;
import dev.bulwark.agent.config.ConfigProblem;
import dev.bulwark.agent.policy.MillisecondClock;
import dev.bulwark.agent.policy.NanoClock;
import dev.bulwark.agent.policy.Unwrapping;
import dev.bulwark.agent.policy.timeout.DeadlineClock;
import dev.bulwark.agent.policy.timeout.Watchdog;
import dev.bulwark.agent.reload.ConfigWatcher;
import dev.bulwark.agent.telemetry.SpanMode;
import dev.bulwark.agent.telemetry.TelemetryObserver;
import dev.bulwark.agent.weave.Weaver;

import java.io.IOException;
import java.io.InputStream;
import java.lang.instrument.Instrumentation;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import java.util.function.Supplier;

/** Starts Bulwark inside its own class loader: reads the config, installs the runtime and the weaver. */
public final class AgentInstaller {
    private AgentInstaller() {
    }

    public static void install(String arguments, Instrumentation instrumentation, boolean attached) {
        // The switch most often flipped in an emergency is honoured before Typesafe Config is even loaded.
        if ("false".equalsIgnoreCase(System.getProperty("bulwark.enabled", "").trim())) {
            BulwarkLog.info("Bulwark " + version() + " is disabled (-Dbulwark.enabled=false)");
            return;
        }
        Consumer<ConfigProblem> report = problem -> BulwarkLog.error("config: " + problem + "; " + problem.outcome());
        Supplier<BulwarkConfig> loader = () -> BulwarkConfig.load(arguments, AgentInstaller.class.getClassLoader(),
                System.getProperties(), System.getenv(), report);
        String version = version();
        CompletableFuture<BulwarkConfig> config;
        boolean metrics;
        SpanMode spans;
        String source;
        if (BuiltInDefaults.alone(arguments, System.getProperties(), System.getenv())) {
            config = readBeside(loader);
            metrics = BuiltInDefaults.METRICS;
            spans = BuiltInDefaults.SPANS;
            source = BuiltInDefaults.SOURCE;
        } else {
            // The user's config decides which classes are protected, and whether any is: it is read before the
            // application's first class loads.
            BulwarkConfig loaded = loader.get();
            if (!loaded.enabled()) {
                BulwarkLog.info("Bulwark " + version + " is disabled (bulwark.enabled = false, config: " + loaded.source() + ")");
                return;
            }
            config = CompletableFuture.completedFuture(loaded);
            metrics = loaded.metricsEnabled();
            spans = loaded.spans();
            source = loaded.source();
        }
        CallObserver observer = TelemetryObserver.create(metrics, spans, version);
        MillisecondClock millisecondClock = new MillisecondClock("bulwark-clock");
        DeadlineClock deadlineClock = new DeadlineClock(millisecondClock);
        PolicyRegistry registry = new PolicyRegistry(millisecondClock, deadlineClock, observer.circuitBreakerListener());
        observer.observe(registry);
        // Before any class is woven: a config with chaos.enabled = false starts with injection off.
        config.thenAccept(initial -> registry.chaos().apply(initial.chaos()));
        CallSites sites = new CallSites(registry, observer);
        observer.applicationLoaders(sites::loaders);
        OperatorRegistry operator = OperatorRegistry.install(registry);
        AdminEndpoint admin = new AdminEndpoint(registry, sites, operator::find);
        ChainDispatcher dispatcher = new ChainDispatcher(sites, registry, NanoClock.SYSTEM, millisecondClock,
                new Watchdog(NanoClock.SYSTEM, deadlineClock), observer);
        BulwarkBridge.install(dispatcher);
        Weaver weaver = new Weaver(config, sites);
        weaver.install(instrumentation, attached);
        config.thenAccept(initial -> {
            dispatcher.asyncThreads(initial.asyncThreads());
            dispatcher.unwrapping(Unwrapping.of(initial.unwrap()));
            admin.apply(initial.admin());
            ConfigWatcher.start(initial, weaver, reloaded -> {
                registry.chaos().apply(reloaded.chaos());
                admin.apply(reloaded.admin());
            });
        });
        BulwarkLog.info("Bulwark " + version + " started" + (attached ? " (attached to a running JVM)" : "")
                + ", config: " + source);
    }

    /**
     * Reads the built-in defaults on a thread of their own, so that Typesafe Config loads and parses them on
     * another core while the application starts; the first class to be woven waits for them.
     */
    private static CompletableFuture<BulwarkConfig> readBeside(Supplier<BulwarkConfig> read) {
        CompletableFuture<BulwarkConfig> config = new CompletableFuture<>();
        AgentThreads.start("bulwark-config-reader", () -> {
            try {
                config.complete(read.get());
            } catch (Throwable t) {
                BulwarkLog.error("the built-in config could not be read; no class is protected: " + t, t);
                config.completeExceptionally(t);
            }
        });
        return config;
    }

    static String version() {
        Properties properties = new Properties();
        try (InputStream in = AgentInstaller.class.getResourceAsStream("/bulwark-version.properties")) {
            if (in != null) {
                properties.load(in);
            }
        } catch (IOException ignored) {
            // The version is only shown in the start-up line.
        }
        return properties.getProperty("version", "(unknown version)");
    }
}
