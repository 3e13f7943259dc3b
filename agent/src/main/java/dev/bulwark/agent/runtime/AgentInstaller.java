package dev.bulwark.agent.runtime;

import dev.bulwark.agent.bootstrap.BulwarkBridge;
import dev.bulwark.agent.chain.CallObserver;
import dev.bulwark.agent.chain.CallSites;
import dev.bulwark.agent.chain.ChainDispatcher;
import dev.bulwark.agent.chain.PolicyRegistry;
import dev.bulwark.agent.config.BulwarkConfig;
import dev.bulwark.agent.policy.NanoClock;
import dev.bulwark.agent.policy.timeout.Watchdog;
import dev.bulwark.agent.weave.Weaver;

import java.io.IOException;
import java.io.InputStream;
import java.lang.instrument.Instrumentation;
import java.util.Properties;

/** Starts Bulwark inside its own class loader: reads the config, installs the runtime and the weaver. */
public final class AgentInstaller {
    private AgentInstaller() {
    }

    public static void install(String arguments, Instrumentation instrumentation, boolean attached) {
        BulwarkConfig config = BulwarkConfig.load(arguments, AgentInstaller.class.getClassLoader(), System.getProperties(),
                System.getenv(), problem -> BulwarkLog.error("config: " + problem + "; that policy uses its defaults"));
        String version = version();
        if (!config.enabled()) {
            BulwarkLog.info("Bulwark " + version + " is disabled (bulwark.enabled = false, config: " + config.source() + ")");
            return;
        }
        CallObserver observer = CallObserver.NONE;
        PolicyRegistry registry = new PolicyRegistry(NanoClock.SYSTEM, observer.circuitBreakerListener());
        observer.observe(registry);
        CallSites sites = new CallSites(registry);
        OperatorRegistry.install(registry);
        BulwarkBridge.install(new ChainDispatcher(sites, registry, NanoClock.SYSTEM, new Watchdog(NanoClock.SYSTEM), observer));
        new Weaver(config, sites).install(instrumentation);
        BulwarkLog.info("Bulwark " + version + " started" + (attached ? " (attached to a running JVM)" : "")
                + ", config: " + config.source());
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
