package dev.bulwark.it.app;

import dev.bulwark.annotations.Fallback;
import dev.bulwark.annotations.Retry;

/** Every kind of method the agent must weave: each fails and is rescued by its fallback. */
public class MethodKinds {
    @Fallback(method = "rescued")
    public String publicMethod() {
        throw new IllegalStateException();
    }

    @Fallback(method = "rescued")
    private String privateMethod() {
        throw new IllegalStateException();
    }

    @Fallback(method = "rescuedStatic")
    static String staticMethod() {
        throw new IllegalStateException();
    }

    @Fallback(method = "rescued")
    public final String finalMethod() {
        throw new IllegalStateException();
    }

    @Fallback(method = "rescued")
    protected synchronized String synchronizedMethod() {
        throw new IllegalStateException();
    }

    @Fallback(method = "rescuedLong")
    long primitiveResult() {
        throw new IllegalStateException();
    }

    private int voidCalls;

    @Retry(maxAttempts = 3, delay = "1ms")
    void voidMethod() {
        if (++voidCalls < 3) {
            throw new IllegalStateException();
        }
    }

    String rescued() {
        return "rescued";
    }

    static String rescuedStatic() {
        return "rescued";
    }

    long rescuedLong() {
        return 42L;
    }

    /** Calls from inside the class: a proxy-based library would not see these. */
    public String callsFromInside() {
        voidMethod();
        return privateMethod() + "," + staticMethod() + "," + finalMethod() + "," + synchronizedMethod() + ","
                + primitiveResult() + "," + voidCalls;
    }
}
