package dev.bulwark.it.app;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;

/** Runs in the scenario JVM: calls the named scenario method and prints what it reports as {@code @@ key=value}. */
public final class Report {
    private Report() {
    }

    public static void put(String key, Object value) {
        System.out.println("@@ " + key + "=" + value);
    }

    /** Runs {@code args[0]}, a public static no-argument method of {@code scenarios}. */
    public static void run(Class<?> scenarios, String[] args) throws Throwable {
        Method scenario = scenarios.getMethod(args[0]);
        try {
            scenario.invoke(null);
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
        System.out.flush();
    }

    /** What a call ended with: its result, or the simple name of its exception and the message. */
    public static String outcome(java.util.concurrent.Callable<?> call) {
        try {
            return "returned:" + call.call();
        } catch (Exception e) {
            return "threw:" + e.getClass().getSimpleName() + ":" + e.getMessage();
        }
    }

    /**
     * Starts {@code body} on a new platform thread, or on a virtual thread when the scenario runs with
     * {@code -Dscenario.virtual=true} (Java 21+; reflective because these fixtures compile for Java 11).
     */
    public static Thread startThread(Runnable body) {
        if (Boolean.getBoolean("scenario.virtual")) {
            try {
                return (Thread) Thread.class.getMethod("startVirtualThread", Runnable.class).invoke(null, body);
            } catch (ReflectiveOperationException e) {
                throw new IllegalStateException("no virtual threads on this JDK", e);
            }
        }
        Thread thread = new Thread(body);
        thread.start();
        return thread;
    }

    public static boolean isVirtual(Thread thread) {
        try {
            return (Boolean) Thread.class.getMethod("isVirtual").invoke(thread);
        } catch (ReflectiveOperationException e) {
            return false;
        }
    }

    /** Heap bytes per call of {@code call}, measured on this thread after a warm-up long enough for the JIT. */
    public static double bytesPerCall(java.util.function.IntUnaryOperator call) {
        com.sun.management.ThreadMXBean threads =
                (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
        long sum = 0;
        for (int i = 0; i < 200_000; i++) {
            sum += call.applyAsInt(i);
        }
        long thread = Thread.currentThread().getId();
        long before = threads.getThreadAllocatedBytes(thread);
        int calls = 1_000_000;
        for (int i = 0; i < calls; i++) {
            sum += call.applyAsInt(i);
        }
        long allocated = threads.getThreadAllocatedBytes(thread) - before;
        put("checksum", sum);
        return (double) allocated / calls;
    }
}
