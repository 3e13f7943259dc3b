package dev.bulwark.it.app;

import dev.bulwark.annotations.Retry;

/** Runs from a jar, so that a class data sharing archive or an AOT cache can hold its classes (ClassDataSharingIT). */
public final class SharingScenarios {
    public static void main(String[] args) throws Throwable {
        Report.run(SharingScenarios.class, args);
    }

    public static void protectedCall() {
        Flaky flaky = new Flaky();
        Report.put("outcome", Report.outcome(flaky::fetch));
        Report.put("attempts", flaky.attempts);
    }

    /** Fails twice, then answers: only a woven retry returns its answer. */
    public static final class Flaky {
        int attempts;

        @Retry(maxAttempts = 3, delay = "1ms")
        public String fetch() {
            if (++attempts < 3) {
                throw new IllegalStateException("attempt " + attempts);
            }
            return "ok";
        }
    }
}
