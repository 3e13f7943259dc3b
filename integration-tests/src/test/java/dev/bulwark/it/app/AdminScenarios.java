package dev.bulwark.it.app;

import dev.bulwark.annotations.CircuitBreaker;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import java.util.TreeSet;

/**
 * An application the admin endpoint is exercised against: it serves commands from standard input, one per line,
 * and answers each with {@code @@ key=value} lines and then {@code done <n>}.
 */
public final class AdminScenarios {
    private AdminScenarios() {
    }

    public static void main(String[] args) throws Throwable {
        Report.run(AdminScenarios.class, args);
    }

    /** A dependency with a breaker named in {@code readiness-breakers}. */
    public static final class Inventory {
        static volatile boolean failing;

        @CircuitBreaker(name = "inventory", failureRateThreshold = 60, windowSize = 4, waitInOpen = "10m")
        static String check() {
            if (failing) {
                throw new IllegalStateException("inventory down");
            }
            return "in stock";
        }
    }

    /** Legacy code without annotations, protected by an {@code instrument} entry. */
    public static final class LegacyPricing {
        static String price() {
            return "42";
        }
    }

    /**
     * Commands: {@code call <key>} calls the inventory and reports the outcome under the key; {@code fail} and
     * {@code heal} switch the inventory; {@code threads} reports the agent's admin threads; {@code quit} ends.
     */
    public static void serve() throws IOException {
        Report.put("firstCall", Report.outcome(Inventory::check));
        Report.put("price", Report.outcome(LegacyPricing::price));
        System.out.println("serving");
        System.out.flush();
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        int done = 0;
        for (String line = in.readLine(); line != null && !line.equals("quit"); line = in.readLine()) {
            String[] command = line.split(" ");
            switch (command[0]) {
                case "call":
                    Report.put(command[1], Report.outcome(Inventory::check));
                    break;
                case "fail":
                    Inventory.failing = true;
                    break;
                case "heal":
                    Inventory.failing = false;
                    break;
                case "threads":
                    threads();
                    break;
                default:
                    Report.put("unknownCommand", line);
            }
            System.out.println("done " + ++done);
            System.out.flush();
        }
    }

    /** The threads of the admin endpoint: Bulwark's handlers and the JDK server's dispatcher, which it starts. */
    private static void threads() {
        Set<String> admin = new TreeSet<>();
        for (Thread thread : Thread.getAllStackTraces().keySet()) {
            String name = thread.getName();
            if (name.startsWith("bulwark-admin") || name.startsWith("HTTP-Dispatcher")) {
                admin.add(name + (thread.isDaemon() ? ":daemon" : ":user") + ":" + loader(thread.getContextClassLoader()));
            }
        }
        Report.put("adminThreads", admin);
    }

    /**
     * Which context class loader a thread has: none, the system loader (which lives as long as the JVM; the
     * JDK 25 server gives its dispatcher that one), or another, which could be an application's.
     */
    private static String loader(ClassLoader loader) {
        return loader == null ? "no-loader" : loader == ClassLoader.getSystemClassLoader() ? "system-loader" : "other-loader";
    }
}
