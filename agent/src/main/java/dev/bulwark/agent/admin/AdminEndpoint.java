package dev.bulwark.agent.admin;

import dev.bulwark.CircuitBreakerControl;
import dev.bulwark.agent.chain.CallSites;
import dev.bulwark.agent.chain.PolicyRegistry;
import dev.bulwark.agent.config.AdminSettings;
import dev.bulwark.agent.runtime.BulwarkLog;

import java.io.IOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.function.Function;

/**
 * The admin endpoint as {@code bulwark.admin} asks: nothing at all while the port is 0; else a server on that
 * port, replaced when a reload changes the settings. Nothing of it is on a woven method's call path.
 */
public final class AdminEndpoint {
    private static final String HTTP_SERVER_MODULE = "jdk.httpserver";

    private final PolicyRegistry policies;
    private final CallSites sites;
    private final Function<String, CircuitBreakerControl> operator;
    private AdminSettings settings = AdminSettings.OFF;
    /** An {@link AdminServer}, typed Object so that this class loads without the JDK's HTTP server module. */
    private Object server;

    /** @param operator finds a breaker by name for force-open, disable and reset, as {@code CircuitBreakers.find} does */
    public AdminEndpoint(PolicyRegistry policies, CallSites sites, Function<String, CircuitBreakerControl> operator) {
        this.policies = policies;
        this.sites = sites;
        this.operator = operator;
    }

    /**
     * Starts, restarts or stops the server to match {@code next}; unchanged settings leave it alone. A failure is
     * logged, never thrown: the agent's start and its reloads go on without the endpoint.
     */
    public synchronized void apply(AdminSettings next) {
        try {
            change(next);
        } catch (RuntimeException | LinkageError e) {
            BulwarkLog.error("admin endpoint: cannot apply " + next + ": " + e, e);
        }
    }

    private void change(AdminSettings next) {
        if (next.equals(settings)) {
            return;
        }
        stop();
        settings = next;
        if (!next.enabled() || refused(next)) {
            return;
        }
        if (ModuleLayer.boot().findModule(HTTP_SERVER_MODULE).isEmpty()) {
            BulwarkLog.error("admin endpoint not started: this JVM has no module " + HTTP_SERVER_MODULE
                    + " (a runtime image built without it, or --limit-modules); add it to serve bulwark.admin.port");
            return;
        }
        try {
            server = AdminServer.start(next, policies, sites, operator);
            BulwarkLog.info("admin endpoint listening on http://" + next.host() + ":" + next.port() + "/bulwark/"
                    + (next.token().isEmpty() ? "" : " (bearer token required)"));
        } catch (IOException | RuntimeException | LinkageError e) {
            BulwarkLog.error("admin endpoint not started on " + next.host() + ":" + next.port() + ": " + e);
        }
    }

    /**
     * A host other than a loopback address would open breaker control to the network: only with a token. A host
     * that does not resolve is refused too, with why.
     */
    private static boolean refused(AdminSettings settings) {
        try {
            if (!InetAddress.getByName(settings.host()).isLoopbackAddress() && settings.token().isEmpty()) {
                BulwarkLog.error("admin endpoint not started: bulwark.admin.host = \"" + settings.host()
                        + "\" is not a loopback address and bulwark.admin.token is empty; set a token or listen on 127.0.0.1");
                return true;
            }
            return false;
        } catch (UnknownHostException e) {
            BulwarkLog.error("admin endpoint not started: bulwark.admin.host = \"" + settings.host() + "\" does not resolve: " + e.getMessage());
            return true;
        }
    }

    private void stop() {
        if (server != null) {
            ((AdminServer) server).stop();
            server = null;
            BulwarkLog.info("admin endpoint on " + settings.host() + ":" + settings.port() + " stopped");
        }
    }
}
