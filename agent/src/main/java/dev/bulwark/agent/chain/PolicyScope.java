package dev.bulwark.agent.chain;

/**
 * Who shares a policy's state: every user of its name in the JVM, or the methods of the classes one class
 * loader defined (a deployment in an application server). A scope never holds its class loader, so that it can
 * outlive it: the policies of a class loader's scope go when that loader is collected.
 */
final class PolicyScope {
    /** Shared by every user of the name in the JVM. */
    static final PolicyScope JVM = new PolicyScope(null);

    private final String label;

    private PolicyScope(String label) {
        this.label = label;
    }

    /**
     * The scope of the classes {@code loader} defined. The loaders that live as long as the JVM (the system and
     * platform loaders, and their parents) have a scope without a label: what a plain application's policies
     * are called does not change.
     */
    static PolicyScope of(ClassLoader loader) {
        return new PolicyScope(livesAsLongAsTheJvm(loader) ? null : label(loader));
    }

    /**
     * How JMX tells this scope's policies from others of the same name, {@code WebappClassLoader@1b2c3d}; null
     * for the JVM and for loaders that live as long as it.
     */
    String label() {
        return label;
    }

    private static boolean livesAsLongAsTheJvm(ClassLoader loader) {
        for (ClassLoader system = ClassLoader.getSystemClassLoader(); system != null; system = system.getParent()) {
            if (system == loader) {
                return true;
            }
        }
        return loader == null;
    }

    /** Read without calling the loader's own code: an application's loader may override toString(). */
    private static String label(ClassLoader loader) {
        String name = loader.getName();
        return (name != null ? name : loader.getClass().getSimpleName()) + "@" + Integer.toHexString(System.identityHashCode(loader));
    }

    @Override
    public String toString() {
        return label == null ? "jvm" : label;
    }
}
