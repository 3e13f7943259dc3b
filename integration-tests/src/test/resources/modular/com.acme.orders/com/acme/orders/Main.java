package com.acme.orders;

import dev.bulwark.CircuitOpenException;
import dev.bulwark.annotations.CircuitBreaker;
import dev.bulwark.annotations.Jitter;
import dev.bulwark.annotations.Retry;

import java.util.function.Supplier;

/** Reports as "@@ key=value" lines, like the scenarios on the class path. */
public final class Main {
    private static int flakyCalls;

    private Main() {
    }

    @Retry(maxAttempts = 3, delay = "1ms", jitter = Jitter.NONE)
    static String flaky() {
        flakyCalls++;
        if (flakyCalls < 3) {
            throw new IllegalStateException("attempt " + flakyCalls);
        }
        return "ok after " + flakyCalls;
    }

    @CircuitBreaker(windowSize = 2, minimumCalls = 2, waitInOpen = "1m")
    static String broken() {
        throw new IllegalStateException("down");
    }

    public static void main(String[] args) {
        System.out.println("@@ module=" + Main.class.getModule().getName());
        System.out.println("@@ flaky=" + outcome(Main::flaky));
        outcome(Main::broken);
        outcome(Main::broken);
        String open;
        try {
            open = "returned " + broken();
        } catch (CircuitOpenException e) {
            open = "caught CircuitOpenException of module " + e.getClass().getModule().getName();
        }
        System.out.println("@@ open=" + open);
    }

    private static String outcome(Supplier<String> call) {
        try {
            return "returned:" + call.get();
        } catch (RuntimeException e) {
            return "threw:" + e.getClass().getSimpleName() + ":" + e.getMessage();
        }
    }
}
