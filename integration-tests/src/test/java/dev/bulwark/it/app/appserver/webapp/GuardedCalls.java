package dev.bulwark.it.app.appserver.webapp;

import dev.bulwark.CircuitOpenException;
import dev.bulwark.RateLimitedException;
import dev.bulwark.TimeoutExceededException;

import java.util.StringJoiner;
import java.util.function.Function;

/**
 * A deployment's operations by name, each exercising one policy and answering what it saw. A {@link Function},
 * so that a host calls it without sharing any of its types: the servlet over HTTP, or a plain JVM through a
 * throw-away loader.
 */
public final class GuardedCalls implements Function<String, String> {
    private static final Guarded GUARDED = new Guarded();

    @Override
    public String apply(String operation) {
        switch (operation) {
            case "breaker-state":
                return outcome(() -> GUARDED.breaker(false));
            case "breaker":
                return failTwiceThenCall(true);
            case "named-open":
                return failTwiceThenCall(false);
            case "named":
                return outcome(() -> GUARDED.namedBreaker(false));
            case "limiter":
                StringJoiner results = new StringJoiner(",");
                for (int i = 0; i < 3; i++) {
                    results.add(outcome(GUARDED::limited));
                }
                return results.toString();
            case "retry":
                return outcome(GUARDED::retried);
            case "bulkhead":
                return outcome(GUARDED::bulkhead);
            case "timeout":
                return outcome(GUARDED::slow);
            case "fallback":
                return outcome(GUARDED::failing);
            default:
                return "unknown operation " + operation;
        }
    }

    private static String failTwiceThenCall(boolean ownBreaker) {
        for (int i = 0; i < 2; i++) {
            boolean fail = true;
            outcome(() -> ownBreaker ? GUARDED.breaker(fail) : GUARDED.namedBreaker(fail));
        }
        return outcome(() -> ownBreaker ? GUARDED.breaker(false) : GUARDED.namedBreaker(false));
    }

    private static String outcome(Call call) {
        try {
            return call.call();
        } catch (CircuitOpenException e) {
            return "open";
        } catch (RateLimitedException e) {
            return "limited";
        } catch (TimeoutExceededException e) {
            return "timed-out";
        } catch (Exception e) {
            return "threw " + e;
        }
    }

    private interface Call {
        String call() throws Exception;
    }
}
