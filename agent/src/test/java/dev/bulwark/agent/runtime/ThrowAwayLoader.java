package dev.bulwark.agent.runtime;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.lang.ref.WeakReference;
import java.util.Set;

/**
 * An application's class loader in miniature: it defines the named classes itself, from the test's class path,
 * and leaves every other class to its parent, so a test can drop it and watch whether it is collected.
 */
final class ThrowAwayLoader extends ClassLoader {
    private final Set<String> ownClasses;

    ThrowAwayLoader(String... ownClasses) {
        super("throw-away", ThrowAwayLoader.class.getClassLoader());
        this.ownClasses = Set.of(ownClasses);
    }

    @Override
    protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
        if (!ownClasses.contains(name)) {
            return super.loadClass(name, resolve);
        }
        synchronized (getClassLoadingLock(name)) {
            Class<?> loaded = findLoadedClass(name);
            if (loaded == null) {
                byte[] bytes = bytesOf(name);
                loaded = defineClass(name, bytes, 0, bytes.length);
            }
            return loaded;
        }
    }

    private static byte[] bytesOf(String name) {
        try (InputStream in = ThrowAwayLoader.class.getClassLoader().getResourceAsStream(name.replace('.', '/') + ".class")) {
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Collects garbage until {@code reference} is cleared, for up to ten seconds; whether it was. */
    static boolean collected(WeakReference<?> reference) throws InterruptedException {
        for (int i = 0; i < 200 && reference.get() != null; i++) {
            System.gc();
            Thread.sleep(50);
        }
        return reference.get() == null;
    }
}
