package dev.bulwark.it.app;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.logging.LogManager;

/** Scenarios about what the agent does before and when the first protected class loads. Itself unprotected. */
public final class StartupScenarios {
    public static void main(String[] args) throws Throwable {
        Report.run(StartupScenarios.class, args);
    }

    public static void firstProtectedClassLoadsLate() throws Exception {
        Report.put("phase", "nothing protected loaded yet");
        Class<?> first = Class.forName(FirstProtectedClasses.class.getName() + "$First");
        Report.put("phase", "protected class loaded");
        Report.put("outcome", Report.outcome(() -> first.getMethod("call").invoke(null)));
    }

    /**
     * Loads Bulwark's annotation types, as a framework scanning the application's annotations would, then waits
     * for the agent to have read its built-in config on its own thread (which loads them too), and for its cache
     * warm-up, if any, to settle.
     */
    public static void annotationTypesLoadedButNothingProtected() throws Exception {
        for (String type : new String[]{"Retry", "CircuitBreaker", "Timeout", "Backoff", "Jitter", "WindowType"}) {
            Class.forName("dev.bulwark.annotations." + type);
        }
        for (Thread thread : Thread.getAllStackTraces().keySet()) {
            if (thread.getName().equals("bulwark-config-reader")) {
                thread.join();
            }
        }
        Report.put("phase", "config read");
        for (Thread thread : Thread.getAllStackTraces().keySet()) {
            if (thread.getName().equals("bulwark-cache-warm-up")) {
                // Settled once done, or waiting for a class from the cache that this application never loads.
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
                while (thread.isAlive() && !waitsOnALatch(thread) && System.nanoTime() < deadline) {
                    Thread.sleep(10);
                }
                Report.put("cacheWarmUp", !thread.isAlive() ? "done" : waitsOnALatch(thread) ? "waiting" : "busy");
            }
        }
    }

    private static boolean waitsOnALatch(Thread thread) {
        if (thread.getState() != Thread.State.WAITING) {
            return false;
        }
        for (StackTraceElement frame : thread.getStackTrace()) {
            if (frame.getClassName().equals(CountDownLatch.class.getName()) && frame.getMethodName().equals("await")) {
                return true;
            }
        }
        return false;
    }

    /**
     * Names its own {@code LogManager} before its first use of {@code java.util.logging}, as application servers
     * do when they start, then calls a protected method.
     */
    public static void applicationChoosesItsLogManager() throws Exception {
        System.setProperty("java.util.logging.manager", ApplicationLogManager.class.getName());
        Report.put("logManager", LogManager.getLogManager().getClass().getName());
        Class<?> first = Class.forName(FirstProtectedClasses.class.getName() + "$First");
        Report.put("outcome", Report.outcome(() -> first.getMethod("call").invoke(null)));
    }

    public static final class ApplicationLogManager extends LogManager {
        public ApplicationLogManager() {
        }
    }

    /** Four threads load a protected class each at the same moment: the first to arrive builds Byte Buddy. */
    public static void protectedClassesRaceToLoadFirst() throws Exception {
        String[] names = {"First", "Second", "Third", "Fourth"};
        CountDownLatch ready = new CountDownLatch(names.length);
        CountDownLatch go = new CountDownLatch(1);
        String[] outcomes = new String[names.length];
        Thread[] threads = new Thread[names.length];
        for (int i = 0; i < names.length; i++) {
            int index = i;
            threads[i] = Report.startThread(() -> {
                ready.countDown();
                outcomes[index] = Report.outcome(() -> {
                    go.await();
                    Class<?> type = Class.forName(FirstProtectedClasses.class.getName() + "$" + names[index]);
                    return type.getMethod("call").invoke(null);
                });
            });
        }
        ready.await();
        go.countDown();
        for (int i = 0; i < names.length; i++) {
            threads[i].join();
            Report.put(names[i], outcomes[i]);
        }
    }
}
