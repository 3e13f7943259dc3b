package dev.bulwark.it.app;

import dev.bulwark.agent.bootstrap.Dispatcher;
import dev.bulwark.agent.bootstrap.Invocation;
import dev.bulwark.annotations.Retry;
import reactor.core.publisher.Mono;

import java.io.BufferedReader;
import java.io.File;
import java.io.InputStreamReader;
import java.lang.reflect.Field;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.net.URL;
import java.net.URLClassLoader;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

public final class WeavingScenarios {
    /** A class WeavingIT writes, not compiled here: see {@link #methodTooLargeToWeave}. */
    public static final String TOO_LARGE_TO_WEAVE = "dev.bulwark.it.app.TooLargeToWeave";
    private static final AtomicInteger CALLS = new AtomicInteger();
    private static final AtomicInteger HUGE_CALLS = new AtomicInteger();

    public static void main(String[] args) throws Throwable {
        Report.run(WeavingScenarios.class, args);
    }

    public static void everyKindOfMethod() {
        MethodKinds kinds = new MethodKinds();
        Report.put("public", Report.outcome(kinds::publicMethod));
        Report.put("static", Report.outcome(MethodKinds::staticMethod));
        Report.put("fromInside", Report.outcome(kinds::callsFromInside));
    }

    public static void classLevelAnnotations() {
        ClassLevel target = new ClassLevel();
        Report.outcome(() -> {
            target.publicInherits();
            return null;
        });
        Report.put("publicInherits", target.calls.getAndSet(0));
        Report.outcome(() -> {
            target.ownAnnotationWins();
            return null;
        });
        Report.put("ownAnnotationWins", target.calls.getAndSet(0));
        Report.outcome(() -> {
            target.packagePrivateIsNotCovered();
            return null;
        });
        Report.put("packagePrivate", target.calls.getAndSet(0));
    }

    /** A loader that does not delegate to the application loader, with its own annotations jar. */
    @SuppressWarnings("unchecked")
    public static void isolatedClassLoader() throws Exception {
        String[] entries = System.getProperty("java.class.path").split(File.pathSeparator);
        URL[] urls = new URL[entries.length];
        for (int i = 0; i < entries.length; i++) {
            urls[i] = new File(entries[i]).toURI().toURL();
        }
        try (URLClassLoader isolated = new URLClassLoader(urls, ClassLoader.getPlatformClassLoader())) {
            Class<?> service = isolated.loadClass("dev.bulwark.it.app.isolated.IsolatedService");
            Report.put("loader", service.getClassLoader() == isolated);
            Report.put("outcome", ((Supplier<String>) service.getDeclaredConstructor().newInstance()).get());
        }
    }

    @Retry(maxAttempts = 3, delay = "1ms")
    static String protectedAfterAttach() {
        int call = CALLS.incrementAndGet();
        if (call % 3 != 0) {
            throw new IllegalStateException("attempt " + call);
        }
        return "ok after " + call;
    }

    /** Loads and runs the class, waits for the test to attach the agent, then runs it again. */
    public static void dynamicAttach() throws Exception {
        Report.put("before", Report.outcome(WeavingScenarios::protectedAfterAttach));
        Report.put("callsBefore", CALLS.getAndSet(0));
        System.out.println("READY");
        System.out.flush();
        new BufferedReader(new InputStreamReader(System.in)).readLine();
        Report.put("after", Report.outcome(WeavingScenarios::protectedAfterAttach));
        Report.put("callsAfter", CALLS.get());
    }

    @Retry(maxAttempts = 3, delay = "1ms")
    static String flaky() {
        int call = CALLS.incrementAndGet();
        if (call < 3) {
            throw new IllegalStateException("attempt " + call);
        }
        return "ok after " + call;
    }

    /**
     * Calls the two {@code @Retry} methods of {@link #TOO_LARGE_TO_WEAVE}: {@code flaky()}, woven, and
     * {@code huge(int)}, whose code would be too large woven.
     */
    public static void methodTooLargeToWeave() throws Exception {
        Class<?> generated = Class.forName(TOO_LARGE_TO_WEAVE);
        Method flaky = generated.getMethod("flaky");
        Method huge = generated.getMethod("huge", int.class);
        Report.put("flaky", Report.outcome(() -> invoke(flaky)));
        Report.put("huge", Report.outcome(() -> invoke(huge, 1)));
        Report.put("hugeCalls", HUGE_CALLS.get());
    }

    private static Object invoke(Method method, Object... arguments) throws Exception {
        try {
            return method.invoke(null, arguments);
        } catch (InvocationTargetException e) {
            throw (Exception) e.getCause();
        }
    }

    /** Run without Reactor on the class path: {@link OptionalReactive}'s plain method is protected all the same. */
    public static void classWithAMethodOfAnAbsentLibrary() {
        Report.put("plain", Report.outcome(OptionalReactive::flaky));
    }

    /**
     * Built against Reactor, as a library's optional reactive methods are: without Reactor its method returning
     * a {@code Mono} can never run, but its other methods are protected as ever.
     */
    public static final class OptionalReactive {
        @Retry(maxAttempts = 3, delay = "1ms")
        public static String flaky() {
            return failsTwice();
        }

        @Retry(maxAttempts = 3, delay = "1ms")
        public static Mono<String> reactively() {
            return Mono.just("never called");
        }
    }

    /** The body of the generated {@code flaky()}, and of {@link OptionalReactive#flaky}. */
    public static String failsTwice() {
        int call = CALLS.incrementAndGet();
        if (call < 3) {
            throw new IllegalStateException("attempt " + call);
        }
        return "ok after " + call;
    }

    /** The start of the generated {@code huge(int)}. */
    public static void failsOnce() {
        if (HUGE_CALLS.incrementAndGet() == 1) {
            throw new IllegalStateException("huge attempt 1");
        }
    }

    /** Replaces the bridge's runtime with one that fails inside Bulwark at the given step. */
    private static void breakBulwark(String step) throws Exception {
        Field field = Class.forName("dev.bulwark.agent.bootstrap.BulwarkBridge").getDeclaredField("dispatcher");
        field.setAccessible(true);
        Dispatcher real = (Dispatcher) field.get(null);
        field.set(null, new Dispatcher() {
            @Override
            public Invocation enter(int site) {
                Invocation invocation = real.enter(site);
                if (step.equals("enter")) {
                    throw new IllegalStateException("forced failure in enter");
                }
                return invocation;
            }

            @Override
            public void admit(Invocation invocation, Object[] arguments) {
                real.admit(invocation, arguments);
            }

            @Override
            public Invocation endStateless(Invocation invocation, Throwable thrown) {
                if (step.equals("endStateless")) {
                    throw new IllegalStateException("forced failure in endStateless");
                }
                return real.endStateless(invocation, thrown);
            }

            @Override
            public int exit(Invocation invocation, Throwable thrown) {
                if (step.equals("exit")) {
                    throw new IllegalStateException("forced failure in exit");
                }
                return real.exit(invocation, thrown);
            }

            @Override
            public Object fallback(Invocation invocation, Class<?> type, Object self, Object[] args, Throwable failure) throws Throwable {
                return real.fallback(invocation, type, self, args, failure);
            }

            @Override
            public Object async(Invocation invocation, Class<?> type, Object self, Object[] args) {
                if (step.equals("async")) {
                    throw new IllegalStateException("forced failure in async");
                }
                return real.async(invocation, type, self, args);
            }

            @Override
            public void finish(Invocation invocation) {
                real.finish(invocation);
            }

            @Override
            public void internalError(Invocation invocation, Throwable error) {
                real.internalError(invocation, error);
            }
        });
    }

    public static void internalFailureInEnter() throws Exception {
        breakBulwark("enter");
        runFlakyTwice();
    }

    public static void internalFailureInExit() throws Exception {
        breakBulwark("exit");
        runFlakyTwice();
    }

    public static void internalFailureInEndStateless() throws Exception {
        breakBulwark("endStateless");
        runFlakyTwice();
    }

    @Retry(maxAttempts = 3, delay = "1ms")
    static java.util.concurrent.CompletableFuture<String> flakyAsync() {
        int call = CALLS.incrementAndGet();
        return call < 3 ? java.util.concurrent.CompletableFuture.failedFuture(new IllegalStateException("attempt " + call))
                : java.util.concurrent.CompletableFuture.completedFuture("ok after " + call);
    }

    public static void internalFailureInAsync() throws Exception {
        breakBulwark("async");
        for (String key : new String[] {"first", "second", "third"}) {
            Report.put(key, Report.outcome(() -> {
                try {
                    return flakyAsync().join();
                } catch (java.util.concurrent.CompletionException e) {
                    throw (Exception) e.getCause();
                }
            }));
        }
        Report.put("calls", CALLS.get());
    }

    private static void runFlakyTwice() {
        Report.put("first", Report.outcome(WeavingScenarios::flaky));
        Report.put("second", Report.outcome(WeavingScenarios::flaky));
        Report.put("third", Report.outcome(WeavingScenarios::flaky));
        Report.put("calls", CALLS.get());
    }
}
