package dev.bulwark.agent.telemetry;

import java.io.IOException;

/**
 * Defines one package of the agent's adapter classes (stored as {@link AgentResources}) next to an application's
 * copy of the library they adapt: they link against that library as the application loaded it, while every other
 * {@code dev.bulwark} type comes from the agent loader, so adapter and agent share the agent's types.
 */
public abstract class AdapterLoader extends ClassLoader {
    static {
        registerAsParallelCapable();
    }

    private final String adapterPackage;
    private final ClassLoader agentLoader;
    private final AgentResources adapterClasses;

    /**
     * @param adapterPackage the adapters' package with its trailing dot
     * @param folder         where the agent jar stores their class files
     */
    protected AdapterLoader(String name, ClassLoader libraryLoader, ClassLoader agentLoader, String adapterPackage,
                            String folder) {
        super(name, libraryLoader);
        this.adapterPackage = adapterPackage;
        this.agentLoader = agentLoader;
        this.adapterClasses = new AgentResources(agentLoader, folder);
    }

    @Override
    protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
        if (name.startsWith(adapterPackage)) {
            synchronized (getClassLoadingLock(name)) {
                Class<?> loaded = findLoadedClass(name);
                return loaded != null ? loaded : findClass(name);
            }
        }
        if (name.startsWith("dev.bulwark.")) {
            return agentLoader.loadClass(name);
        }
        return super.loadClass(name, resolve);
    }

    @Override
    protected Class<?> findClass(String name) throws ClassNotFoundException {
        try {
            byte[] bytes = adapterClasses.classBytes(name);
            if (bytes == null) {
                throw new ClassNotFoundException(name);
            }
            return defineClass(name, bytes, 0, bytes.length);
        } catch (IOException e) {
            throw new ClassNotFoundException(name, e);
        }
    }
}
