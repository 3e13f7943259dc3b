package dev.bulwark.it.app;

import dev.bulwark.annotations.Fallback;
import dev.bulwark.annotations.Retry;

/**
 * Classes woven the same whether they come from the cache of woven classes or not (CacheIT): an annotated retry,
 * a fallback, a retry its class's annotation gives, and a method only the config protects.
 */
public final class CacheScenarios {
    public static void main(String[] args) throws Throwable {
        Report.run(CacheScenarios.class, args);
    }

    public static void calls() {
        Annotated annotated = new Annotated();
        Report.put("retried", Report.outcome(annotated::fetch));
        Report.put("retriedAttempts", annotated.attempts);
        Report.put("fellBack", Report.outcome(annotated::broken));
        ClassAnnotated classAnnotated = new ClassAnnotated();
        Report.put("classLevel", Report.outcome(classAnnotated::fetch));
        Report.put("classLevelAttempts", classAnnotated.attempts);
        Configured configured = new Configured();
        Report.put("configured", Report.outcome(configured::call));
        Report.put("configuredAttempts", configured.attempts);
        Report.put("plain", Report.outcome(() -> new Plain().call()));
    }

    /** Fails twice, then answers: only a woven retry returns its answer. */
    public static final class Annotated {
        int attempts;

        @Retry(maxAttempts = 3, delay = "1ms")
        public String fetch() {
            if (++attempts < 3) {
                throw new IllegalStateException("attempt " + attempts);
            }
            return "ok";
        }

        @Fallback(method = "spare")
        public String broken() {
            throw new IllegalStateException("broken");
        }

        public String spare(Throwable failure) {
            return "spare after " + failure.getMessage();
        }

        /** Reported while its class is woven, and so again when the class comes from the cache. */
        @Fallback(method = "doesNotExist")
        public String unfit() {
            return "unfit";
        }
    }

    /** Its public method is protected by the class's annotation alone. */
    @Retry(maxAttempts = 3, delay = "1ms")
    public static final class ClassAnnotated {
        int attempts;

        public String fetch() {
            if (++attempts < 3) {
                throw new IllegalStateException("attempt " + attempts);
            }
            return "ok";
        }
    }

    /**
     * Loads {@link AttachedLater} by a parameter type only, waits for the test to attach the agent, then calls
     * it: describing this class by reflection while the attach retransforms it would load that class then.
     */
    public static void attachThenCall() throws Exception {
        Report.put("before", Report.outcome(() -> call(null)));
        System.out.println("READY");
        System.out.flush();
        new java.io.BufferedReader(new java.io.InputStreamReader(System.in)).readLine();
        callsAttachedLater();
    }

    /** What {@link #attachThenCall} does once attached, in a JVM started with the agent. */
    public static void callsAttachedLater() {
        AttachedLater later = new AttachedLater();
        Report.put("after", Report.outcome(() -> call(later)));
        Report.put("afterAttempts", later.attempts);
    }

    @Retry(maxAttempts = 2, delay = "1ms")
    static String call(AttachedLater later) {
        return later == null ? "not yet" : later.fetch();
    }

    /** Protected by its class's annotation; first loaded after the attach, or while it retransforms. */
    @Retry(maxAttempts = 3, delay = "1ms")
    public static final class AttachedLater {
        int attempts;

        public String fetch() {
            if (++attempts < 3) {
                throw new IllegalStateException("attempt " + attempts);
            }
            return "ok";
        }
    }

    /** Protected by the config alone: how often it is tried tells which config it was woven and planned under. */
    public static final class Configured {
        int attempts;

        public String call() {
            attempts++;
            throw new IllegalStateException("always");
        }
    }

    /** Nothing protects it: the same with the agent as without. */
    public static final class Plain {
        public String call() {
            return "plain";
        }
    }
}
