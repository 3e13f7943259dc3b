package dev.bulwark.it.app.config;

import dev.bulwark.CircuitBreakerControl;
import dev.bulwark.CircuitBreakers;
import dev.bulwark.it.app.Report;
import dev.bulwark.it.app.config.legacy.InventoryClient;
import dev.bulwark.it.app.config.legacy.OrderClient;
import dev.bulwark.it.app.config.legacy.PaymentGateway;
import dev.bulwark.it.app.config.legacy.deep.nested.DeepClient;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/** Scenarios run in a JVM whose agent reads a config file; the test chooses the file. */
public final class ConfigScenarios {
    private static final long RELOAD_WAIT_NANOS = TimeUnit.SECONDS.toNanos(15);
    private static final BufferedReader COMMANDS = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));

    private ConfigScenarios() {
    }

    public static void main(String[] args) throws Throwable {
        Report.run(ConfigScenarios.class, args);
    }

    /** Calls {@code call} once and reports its outcome and how many times the body ran. */
    private static void measure(String key, AtomicInteger counter, Callable<?> call) {
        counter.set(0);
        Report.put(key, Report.outcome(call));
        Report.put(key + "Calls", counter.get());
    }

    public static void legacyCalls() {
        InventoryClient inventory = new InventoryClient();
        measure("fetchStock", InventoryClient.CALLS, () -> inventory.fetchStock("pear"));
        measure("fetchPrice", InventoryClient.CALLS, () -> inventory.fetchPrice("pear"));
    }

    public static void instrumentEntries() {
        legacyCalls();
        InventoryClient inventory = new InventoryClient();
        measure("store", InventoryClient.CALLS, () -> inventory.store("pear"));
        DeepClient deep = new DeepClient();
        measure("deepFetchStock", DeepClient.CALLS, () -> deep.fetchStock("pear"));
        Report.put("deepQuote", Report.outcome(deep::quote));
        PaymentGateway gateway = new PaymentGateway();
        measure("charge1", PaymentGateway.CALLS, gateway::charge);
        measure("charge2", PaymentGateway.CALLS, gateway::charge);
        measure("refund", PaymentGateway.CALLS, gateway::refund);
        Report.put("sharedBreaker", CircuitBreakers.find("shared-breaker").state());
        Report.put("breakers", CircuitBreakers.names());
    }

    public static void annotatedMethod() {
        measure("flaky", Annotated.CALLS, Annotated::flaky);
    }

    public static void orderSubmit() {
        measure("submit", OrderClient.CALLS, () -> new OrderClient().submit());
    }

    /** Runs a protected method, then stays up until told to stop, so the agent's delayed reports can show. */
    public static void staysUpUntilTold() throws IOException {
        measure("submit", OrderClient.CALLS, () -> new OrderClient().submit());
        System.out.println("running");
        System.out.flush();
        await("stop");
    }

    /**
     * The test rewrites the config file between the steps; each step polls, for at most 15 seconds, until the
     * retry of {@code submit} runs the body the number of times the new file says.
     */
    public static void hotReload() throws Exception {
        OrderClient orders = new OrderClient();
        measure("submitBefore", OrderClient.CALLS, orders::submit);
        Report.outcome(orders::guarded);
        Report.outcome(orders::guarded);
        Report.put("breakerBefore", breaker().state());
        step("loaded");

        Report.put("reloadMillis", millisUntilRunning(OrderClient.CALLS, orders::submit, 4));
        measure("submitAfterReload", OrderClient.CALLS, orders::submit);
        Report.put("breakerAfterRetryChange", breaker().state());
        measure("guardedAfterRetryChange", OrderClient.CALLS, orders::guarded);
        step("retry-changed");

        measure("submitAfterBadReload", OrderClient.CALLS, orders::submit);
        step("bad-file-refused");

        Report.put("breakerReloadMillis", millisUntilRunning(OrderClient.CALLS, orders::submit, 3));
        Report.put("breakerAfterItsOwnChange", breaker().state());
        measure("guardedAfterItsOwnChange", OrderClient.CALLS, orders::guarded);
    }

    /**
     * Classes loaded before the config selects them: the test adds {@code instrument} entries for a legacy
     * class and for the unannotated method of an annotated one, then takes them away again; each step polls,
     * for at most 15 seconds, until the legacy method runs the number of times the new file says.
     */
    public static void reweaveOnReload() throws Exception {
        InventoryClient inventory = new InventoryClient();
        Callable<String> fetchStock = () -> inventory.fetchStock("pear");
        measure("fetchStockBefore", InventoryClient.CALLS, fetchStock);
        measure("flakyBefore", Annotated.CALLS, Annotated::flaky);
        measure("plainBefore", Annotated.PLAIN_CALLS, Annotated::plain);
        step("loaded");

        Report.put("wovenMillis", millisUntilRunning(InventoryClient.CALLS, fetchStock, 4));
        measure("fetchStockWoven", InventoryClient.CALLS, fetchStock);
        measure("flakyWoven", Annotated.CALLS, Annotated::flaky);
        measure("plainWoven", Annotated.PLAIN_CALLS, Annotated::plain);
        measure("reservationAfterReload", Reservation.CALLS, () -> inventory.reserve(new Reservation()));
        step("woven");

        Report.put("unwovenMillis", millisUntilRunning(InventoryClient.CALLS, fetchStock, 1));
        measure("fetchStockUnwoven", InventoryClient.CALLS, fetchStock);
        measure("flakyUnwoven", Annotated.CALLS, Annotated::flaky);
        measure("plainUnwoven", Annotated.PLAIN_CALLS, Annotated::plain);
        step("unwoven");
    }

    private static long millisUntilRunning(AtomicInteger counter, Callable<?> call, int expectedCalls)
            throws InterruptedException {
        long start = System.nanoTime();
        while (System.nanoTime() - start < RELOAD_WAIT_NANOS) {
            counter.set(0);
            Report.outcome(call);
            if (counter.get() == expectedCalls) {
                return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
            }
            Thread.sleep(50);
        }
        return -1;
    }

    private static CircuitBreakerControl breaker() {
        return CircuitBreakers.find("order-breaker");
    }

    private static void step(String name) throws IOException {
        System.out.println(name);
        System.out.flush();
        await("next");
    }

    private static void await(String command) throws IOException {
        for (String line = COMMANDS.readLine(); line != null; line = COMMANDS.readLine()) {
            if (line.trim().equals(command)) {
                return;
            }
        }
        throw new IllegalStateException("the test went away before sending '" + command + "'");
    }
}
