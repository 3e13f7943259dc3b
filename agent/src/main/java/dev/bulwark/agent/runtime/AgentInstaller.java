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

/**
 * Starts Bulwark inside its own class loader: reads the config, installs the runtime and the weaver. Started
 * once per JVM; an attach to a JVM where it runs loads the config the attach names instead.
 */
public final class AgentInstaller {
    /** The agent running in this JVM, once started; only the agent's start and attaches, one at a time, set it. */
    private static volatile Installed installed;

    private AgentInstaller() {
    }

    /** @param arguments the agent's; with {@code report=}, an attach command waits for an {@link AttachReport} */
    public static void install(String arguments, Instrumentation instrumentation, boolean attached) {
        AttachReport attachReport = AttachReport.requested(arguments);
        try {
            Installed running = installed;
            if (running != null) {
                running.loadAttached(arguments, attachReport);
            } else {
                start(arguments, instrumentation, attached, attachReport);
            }
        } catch (RuntimeException | Error e) {
            if (attachReport != null) {
                attachReport.line(AttachReport.ERROR + "Bulwark failed in the attached JVM: " + e + "; see its standard error");
            }
            throw e;
        } finally {
            if (attachReport != null) {
                attachReport.write();
            }
        }
    }

    private static void start(String arguments, Instrumentation instrumentation, boolean attached, AttachReport attachReport) {
        // The switch most often flipped in an emergency is honoured before Typesafe Config is even loaded.
        if ("false".equalsIgnoreCase(System.getProperty("bulwark.enabled", "").trim())) {
            info("Bulwark " + version() + " is disabled (-Dbulwark.enabled=false)", attachReport);
            return;
        }
        Consumer<ConfigProblem> report = problem -> {
            BulwarkLog.error("config: " + problem + "; " + problem.outcome());
            if (attachReport != null) {
                attachReport.line("config problem: " + problem + "; " + problem.outcome());
            }
        };
        Supplier<BulwarkConfig> loader = () -> BulwarkConfig.load(arguments, AgentInstaller.class.getClassLoader(),
                System.getProperties(), System.getenv(), report);
        String version = version();
        CompletableFuture<BulwarkConfig> config;
        boolean metrics;
        SpanMode spans;
        String source;
        // Attached, the classes to protect are loaded already: they are woven now, under the config read first.
        if (!attached && BuiltInDefaults.alone(arguments, System.getProperties(), System.getenv())) {
            config = readBeside(loader);
            metrics = BuiltInDefaults.METRICS;
            spans = BuiltInDefaults.SPANS;
            source = BuiltInDefaults.SOURCE;
        } else {
            // The user's config decides which classes are protected, and whether any is: it is read before the
            // application's first class loads.
            BulwarkConfig loaded = loader.get();
            if (!loaded.enabled()) {
                info("Bulwark " + version + " is disabled (bulwark.enabled = false, config: " + loaded.source() + ")", attachReport);
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
        CallSites sites = new CallSites(registry, observer);
        observer.applicationLoaders(sites::loaders);
        OperatorRegistry operator = OperatorRegistry.install(registry);
        AdminEndpoint admin = new AdminEndpoint(registry, sites, operator::find);
        ChainDispatcher dispatcher = new ChainDispatcher(sites, registry, NanoClock.SYSTEM, millisecondClock,
                new Watchdog(NanoClock.SYSTEM, deadlineClock), observer);
        BulwarkBridge.install(dispatcher);
        Weaver weaver = new Weaver(config, sites);
        weaver.install(instrumentation, attached);
        CompletableFuture<ConfigWatcher> watcher = config.thenApply(initial -> {
            dispatcher.asyncThreads(initial.asyncThreads());
            dispatcher.unwrapping(Unwrapping.of(initial.unwrap()));
            admin.apply(initial.admin());
            return ConfigWatcher.start(initial, weaver, reloaded -> admin.apply(reloaded.admin()));
        });
        installed = new Installed(version, sites, watcher);
        BulwarkLog.info("Bulwark " + version + " started" + (attached ? " (attached to a running JVM)" : "")
                + ", config: " + source);
        if (attachReport != null) {
            attachReport.line("Bulwark " + version + " attached to JVM " + ProcessHandle.current().pid() + ", config: " + source)
                    .woven(sites);
        }
    }

    private static void info(String message, AttachReport attachReport) {
        BulwarkLog.info(message);
        if (attachReport != null) {
            attachReport.line(message);
        }
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

    /** The running agent, as far as a later attach needs it. */
    private static final class Installed {
        private final String version;
        private final CallSites sites;
        private final CompletableFuture<ConfigWatcher> watcher;

        Installed(String version, CallSites sites, CompletableFuture<ConfigWatcher> watcher) {
            this.version = version;
            this.sites = sites;
            this.watcher = watcher;
        }

        /** Puts the config the attach names in force, like a reload, and reports the outcome. */
        void loadAttached(String arguments, AttachReport report) {
            ConfigWatcher.Outcome outcome = watcher.join().loadAttached(arguments);
            if (report == null) {
                return;
            }
            if (outcome.refused()) {
                int more = outcome.problems().size() - 1;
                report.line(AttachReport.ERROR + "config " + outcome.source() + " refused; the last good config stays in"
                        + " force: " + outcome.problems().get(0) + (more == 0 ? "" : " (and " + more + " more)"));
                return;
            }
            report.line("Bulwark " + version + " was already running in JVM " + ProcessHandle.current().pid()
                    + "; config loaded from " + outcome.source() + ": " + outcome.changedSites() + " call site"
                    + (outcome.changedSites() == 1 ? "" : "s") + " changed").woven(sites);
        }
    }
}
