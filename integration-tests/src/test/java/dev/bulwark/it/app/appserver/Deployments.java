package dev.bulwark.it.app.appserver;

import dev.bulwark.it.app.Report;

import java.lang.ref.WeakReference;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * What every deployment of the guarded application must answer, and the bookkeeping of a run of redeploys: which
 * answers differed, and whether each undeployed application's class loader was collected.
 */
final class Deployments {
    /** Each operation of {@code GuardedCalls} and what a fresh deployment answers. */
    static final Map<String, String> EXPECTED = new LinkedHashMap<>();

    static {
        EXPECTED.put("breaker-state", "closed");
        EXPECTED.put("breaker", "open");
        EXPECTED.put("limiter", "ok,ok,limited");
        EXPECTED.put("retry", "attempts=3");
        EXPECTED.put("bulkhead", "ok");
        EXPECTED.put("timeout", "timed-out");
        EXPECTED.put("fallback", "fallback");
    }

    static final int ROUNDS = 12;
    private static final int COLLECTION_POLLS = 400;

    private final List<String> unexpected = new ArrayList<>();
    private int undeployed;
    private int collected;
    private final List<String> kept = new ArrayList<>();

    /** Runs every operation through {@code call} and notes each answer that is not a fresh deployment's. */
    void exercise(int round, Function<String, String> call) {
        EXPECTED.forEach((operation, expected) -> {
            String answer = call.apply(operation);
            if (!expected.equals(answer)) {
                unexpected.add("round " + round + " " + operation + ": " + answer);
            }
        });
    }

    /** Collects garbage until the undeployed application's loader is gone, for up to twenty seconds. */
    void awaitCollected(String deployment, WeakReference<ClassLoader> loader) throws InterruptedException {
        undeployed++;
        for (int i = 0; i < COLLECTION_POLLS && loader.get() != null; i++) {
            System.gc();
            Thread.sleep(50);
        }
        if (loader.get() == null) {
            collected++;
        } else {
            kept.add(deployment);
        }
    }

    void report() {
        Report.put("rounds", ROUNDS);
        Report.put("unexpected", unexpected.isEmpty() ? "none" : String.join("; ", unexpected));
        Report.put("undeployed", undeployed);
        Report.put("collected", collected);
        Report.put("kept", kept.isEmpty() ? "none" : String.join(", ", kept));
    }
}
