package dev.bulwark.agent.chain;

import dev.bulwark.agent.chain.unloadable.Undeployed;
import org.junit.jupiter.api.Test;

import java.lang.ref.WeakReference;
import java.net.URL;
import java.net.URLClassLoader;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

class SiblingMethodTest {
    private static final long COLLECTION_WAIT_NANOS = TimeUnit.SECONDS.toNanos(30);

    /** Call sites live as long as the agent: the method they resolved must not pin its class's loader. */
    @Test
    void aResolvedMethodDoesNotKeepAnUndeployedApplicationsLoaderAlive() throws Throwable {
        SiblingMethod fallback = new SiblingMethod("fallback", List.of("java.lang.String"), null, true);

        WeakReference<ClassLoader> loader = callInALoaderThatGoesAway(fallback);

        long end = System.nanoTime() + COLLECTION_WAIT_NANOS;
        while (loader.get() != null && System.nanoTime() < end) {
            System.gc();
            Thread.sleep(20);
        }
        assertThat(loader.get()).as("the application's loader, once only the call site refers to its class").isNull();
    }

    @Test
    void eachClassGetsItsOwnMethod() throws Throwable {
        SiblingMethod fallback = new SiblingMethod("fallback", List.of("java.lang.String"), null, true);
        try (URLClassLoader first = undeployedApplication(); URLClassLoader second = undeployedApplication()) {
            Class<?> one = first.loadClass(Undeployed.class.getName());
            Class<?> other = second.loadClass(Undeployed.class.getName());

            assertThat(fallback.invoke(one, null, new Object[]{"a"}, null)).isEqualTo("fallback 1 for a");
            assertThat(fallback.invoke(other, null, new Object[]{"b"}, null)).isEqualTo("fallback 1 for b");
            assertThat(fallback.invoke(one, null, new Object[]{"c"}, null)).isEqualTo("fallback 2 for c");
        }
    }

    @Test
    void anInstanceMethodGetsItsReceiverItsArgumentsUnboxedAndItsTrailingFailure() throws Throwable {
        SiblingMethod fallback = new SiblingMethod("describe", List.of("int", "java.lang.String"),
                "java.io.IOException", false);

        assertThat(fallback.invoke(Described.class, new Described("order"), new Object[]{7, "late"},
                new java.io.IOException("refused"))).isEqualTo("order 7 late: refused");
    }

    @Test
    void aVoidMethodReturnsNull() throws Throwable {
        SiblingMethod body = new SiblingMethod("touch", List.of(), null, false);
        Described described = new Described("order");

        assertThat(body.invoke(Described.class, described, new Object[0], null)).isNull();
        assertThat(described.touched).isTrue();
    }

    static final class Described {
        private final String name;
        boolean touched;

        Described(String name) {
            this.name = name;
        }

        String describe(int number, String state, java.io.IOException failure) {
            return name + " " + number + " " + state + ": " + failure.getMessage();
        }

        void touch() {
            touched = true;
        }
    }

    private static WeakReference<ClassLoader> callInALoaderThatGoesAway(SiblingMethod fallback) throws Throwable {
        URLClassLoader loader = undeployedApplication();
        Class<?> type = loader.loadClass(Undeployed.class.getName());
        assertThat(type.getClassLoader()).isSameAs(loader);
        assertThat(fallback.invoke(type, null, new Object[]{"order 7"}, null)).isEqualTo("fallback 1 for order 7");
        loader.close();
        return new WeakReference<>(loader);
    }

    /** The test classes again, defined by a loader of their own whose parent knows none of them. */
    private static URLClassLoader undeployedApplication() {
        URL classes = Undeployed.class.getProtectionDomain().getCodeSource().getLocation();
        return new URLClassLoader(new URL[]{classes}, ClassLoader.getPlatformClassLoader());
    }
}
