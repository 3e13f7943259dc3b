package dev.bulwark.agent.admin;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.bulwark.CircuitBreakerControl;
import dev.bulwark.CircuitBreakers;
import dev.bulwark.agent.chain.CallSites;
import dev.bulwark.agent.chain.PolicyRegistry;
import dev.bulwark.agent.chain.SiteDefinition;
import dev.bulwark.agent.config.AdminSettings;
import dev.bulwark.agent.config.PolicyKind;
import dev.bulwark.agent.config.Setting;
import dev.bulwark.agent.policy.circuitbreaker.CircuitBreaker;
import dev.bulwark.agent.policy.circuitbreaker.CircuitBreakerMetrics;
import dev.bulwark.agent.policy.circuitbreaker.CircuitState;
import dev.bulwark.agent.runtime.AgentThreads;
import dev.bulwark.agent.runtime.BulwarkLog;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Function;

/**
 * The admin endpoint's HTTP server (docs/operations.md): the JDK's {@code com.sun.net.httpserver}, answering on
 * Bulwark's own daemon threads. Only {@link AdminEndpoint} touches this class, once it knows the module is there.
 */
final class AdminServer {
    private static final String BASE = "/bulwark/";
    private static final int HANDLER_THREADS = 2;

    private final HttpServer server;
    private final ExecutorService handlers;
    private final BearerToken token;
    private final List<String> readinessBreakers;
    private final PolicyRegistry policies;
    private final CallSites sites;
    private final Function<String, CircuitBreakerControl> operator;

    private AdminServer(HttpServer server, ExecutorService handlers, AdminSettings settings, PolicyRegistry policies,
                        CallSites sites, Function<String, CircuitBreakerControl> operator) {
        this.server = server;
        this.handlers = handlers;
        this.token = new BearerToken(settings.token());
        this.readinessBreakers = settings.readinessBreakers();
        this.policies = policies;
        this.sites = sites;
        this.operator = operator;
    }

    /**
     * Binds and starts the server.
     *
     * @param operator finds a breaker by name for force-open, disable and reset, as {@link CircuitBreakers#find} does
     * @throws IOException when the address cannot be bound
     */
    static AdminServer start(AdminSettings settings, PolicyRegistry policies, CallSites sites,
                             Function<String, CircuitBreakerControl> operator) throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress(settings.host(), settings.port()), 0);
        ExecutorService handlers = Executors.newFixedThreadPool(HANDLER_THREADS, AgentThreads.factory("bulwark-admin"));
        AdminServer admin = new AdminServer(server, handlers, settings, policies, sites, operator);
        server.setExecutor(handlers);
        server.createContext(BASE, admin::handle);
        // The server's dispatcher thread takes its creator's daemon status, context class loader and group: created
        // from a Bulwark thread it is a daemon that holds no application's loader, like every Bulwark thread.
        Thread starter = AgentThreads.start("bulwark-admin-start", server::start);
        try {
            starter.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return admin;
    }

    void stop() {
        server.stop(0);
        handlers.shutdown();
    }

    private void handle(HttpExchange exchange) throws IOException {
        try {
            drain(exchange.getRequestBody());
            if (!token.accepts(exchange.getRequestHeaders().getFirst("Authorization"))) {
                exchange.getResponseHeaders().add("WWW-Authenticate", "Bearer");
                respond(exchange, 401, error("a valid 'Authorization: Bearer <token>' header is required"));
                return;
            }
            route(exchange);
        } catch (RuntimeException e) {
            BulwarkLog.errorOnce("admin " + e.getClass().getName(), "admin endpoint: " + exchange.getRequestMethod() + " "
                    + exchange.getRequestURI().getRawPath() + " failed: " + e, e);
            // Unless the answer was already under way, the client learns that the request failed, not why.
            if (exchange.getResponseCode() == -1) {
                respond(exchange, 500, error("internal error of the admin endpoint; see the application's log"));
            }
        } finally {
            exchange.close();
        }
    }

    private void route(HttpExchange exchange) throws IOException {
        String method = exchange.getRequestMethod();
        String[] path = segments(exchange.getRequestURI().getRawPath());
        if (path.length == 1 && path[0].equals("health")) {
            if (allowed(exchange, method, "GET")) {
                respond(exchange, 200, object("status", "UP"));
            }
        } else if (path.length == 1 && path[0].equals("ready")) {
            if (allowed(exchange, method, "GET")) {
                ready(exchange);
            }
        } else if (path.length == 1 && path[0].equals("breakers")) {
            if (allowed(exchange, method, "GET")) {
                respond(exchange, 200, object("breakers", breakers()));
            }
        } else if (path.length == 3 && path[0].equals("breakers") && isOperation(path[2])) {
            if (allowed(exchange, method, "POST")) {
                operate(exchange, path[1], path[2]);
            }
        } else if (path.length == 1 && path[0].equals("methods")) {
            if (allowed(exchange, method, "GET")) {
                respond(exchange, 200, object("methods", methods()));
            }
        } else {
            respond(exchange, 404, error("no such resource: " + exchange.getRequestURI().getRawPath()));
        }
    }

    private static boolean isOperation(String name) {
        return name.equals("force-open") || name.equals("reset") || name.equals("disable");
    }

    private static boolean allowed(HttpExchange exchange, String method, String expected) throws IOException {
        if (method.equals(expected)) {
            return true;
        }
        exchange.getResponseHeaders().add("Allow", expected);
        respond(exchange, 405, error(method + " is not allowed here; use " + expected));
        return false;
    }

    private void ready(HttpExchange exchange) throws IOException {
        Set<String> openNow = new HashSet<>();
        policies.forEachCircuitBreaker((name, breaker) -> {
            if (breaker.state() == CircuitState.OPEN) {
                openNow.add(breaker.name());
            }
        });
        List<String> open = Readiness.openOnes(readinessBreakers, openNow);
        Map<String, Object> body = object("status", open.isEmpty() ? "UP" : "DOWN");
        body.put("openBreakers", open);
        respond(exchange, open.isEmpty() ? 200 : 503, body);
    }

    private List<Map<String, Object>> breakers() {
        List<Map<String, Object>> all = new ArrayList<>();
        policies.forEachCircuitBreaker((name, breaker) -> all.add(breaker(breaker, name.scope())));
        all.sort(Comparator.comparing((Map<String, Object> b) -> (String) b.get("name"))
                .thenComparing(b -> String.valueOf(b.get("scope"))));
        return all;
    }

    private static Map<String, Object> breaker(CircuitBreaker breaker, String scope) {
        CircuitBreakerMetrics metrics = breaker.metrics();
        Map<String, Object> view = object("name", breaker.name());
        view.put("scope", scope);
        view.put("state", metrics.state().name());
        view.put("failureRate", metrics.failureRate());
        view.put("slowCallRate", metrics.slowCallRate());
        view.put("callsInWindow", metrics.bufferedCalls());
        view.put("failedCalls", metrics.failedCalls());
        view.put("slowCalls", metrics.slowCalls());
        view.put("notPermittedCalls", metrics.notPermittedCalls());
        return view;
    }

    private void operate(HttpExchange exchange, String name, String operation) throws IOException {
        CircuitBreakerControl breaker = operator.apply(name);
        if (breaker == null) {
            respond(exchange, 404, error("no circuit breaker named '" + name + "'"));
            return;
        }
        if (operation.equals("force-open")) {
            breaker.forceOpen();
        } else if (operation.equals("disable")) {
            breaker.disable();
        } else {
            breaker.reset();
        }
        BulwarkLog.info("admin endpoint: circuit breaker '" + name + "' " + operation + " -> " + breaker.state());
        Map<String, Object> body = object("name", breaker.name());
        body.put("state", breaker.state());
        respond(exchange, 200, body);
    }

    private List<Map<String, Object>> methods() {
        List<Map<String, Object>> all = new ArrayList<>();
        sites.forEachDefinition((definition, scope) -> all.add(method(definition, scope)));
        all.sort(Comparator.comparing((Map<String, Object> m) -> (String) m.get("method"))
                .thenComparing(m -> String.valueOf(m.get("scope"))));
        return all;
    }

    private static Map<String, Object> method(SiteDefinition definition, String scope) {
        Map<String, Object> view = object("method", definition.policies().ownName());
        view.put("scope", scope);
        Map<String, Object> policiesView = new LinkedHashMap<>();
        for (Map.Entry<PolicyKind, Object> policy : definition.policies().specs().entrySet()) {
            PolicyKind kind = policy.getKey();
            Map<String, Setting> settings = definition.policies().settings().get(kind);
            Map<String, Object> settingsView = new LinkedHashMap<>();
            if (settings != null) {
                boolean annotated = definition.annotationBlocks().containsKey(kind);
                settings.forEach((key, setting) -> {
                    Map<String, Object> one = object("value", setting.value());
                    one.put("source", setting.source().equals(Setting.DECLARED)
                            ? annotated ? "annotation" : "instrument" : setting.source());
                    settingsView.put(key, one);
                });
            }
            policiesView.put(kind.configKey(), settingsView);
        }
        view.put("policies", policiesView);
        return view;
    }

    /** The path below {@code /bulwark/}, split and decoded: a breaker's name may hold {@code #} as {@code %23}. */
    private static String[] segments(String rawPath) {
        String below = rawPath.substring(BASE.length());
        if (below.endsWith("/")) {
            below = below.substring(0, below.length() - 1);
        }
        String[] segments = below.split("/", -1);
        for (int i = 0; i < segments.length; i++) {
            segments[i] = URLDecoder.decode(segments[i].replace("+", "%2B"), StandardCharsets.UTF_8);
        }
        return segments;
    }

    private static Map<String, Object> object(String key, Object value) {
        Map<String, Object> object = new LinkedHashMap<>();
        object.put(key, value);
        return object;
    }

    private static Map<String, Object> error(String message) {
        return object("error", message);
    }

    private static void drain(InputStream body) throws IOException {
        body.transferTo(OutputStream.nullOutputStream());
    }

    private static void respond(HttpExchange exchange, int status, Map<String, Object> body) throws IOException {
        byte[] bytes = Json.write(body).getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "application/json; charset=utf-8");
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }
}
