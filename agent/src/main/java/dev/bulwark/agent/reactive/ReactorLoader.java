package dev.bulwark.agent.reactive;

import dev.bulwark.agent.runtime.BulwarkLog;
import dev.bulwark.agent.telemetry.AgentResources;

import java.io.IOException;

/**
 * Defines the Reactor adapter ({@code dev.bulwark.agent.reactive.reactor}, compiled against reactor-core but
 * stored in the agent jar where no loader finds it by name) next to one application's copy of reactor-core: it
 * links against that loader's Reactor types, while every other {@code dev.bulwark} type comes from the agent
 * loader, so that the adapter drives the chain's own subscriptions. One per loader that defines Reactor, made at
 * the first call of a method returning a {@code Mono} or {@code Flux}.
 */
final class ReactorLoader extends ClassLoader {
    private static final String ASSEMBLER = "dev.bulwark.agent.reactive.reactor.ReactorAssembler";
    private static final String ADAPTER_PACKAGE = "dev.bulwark.agent.reactive.reactor.";
    private static final String FOLDER = "reactor/";
    private static final String MONO = "reactor.core.publisher.Mono";
    /** Kept with Reactor's own Mono class, so that it never keeps an undeployed application's loader reachable. */
    private static final ClassValue<Object> ASSEMBLERS = new ClassValue<>() {
        @Override
        protected Object computeValue(Class<?> mono) {
            return define(mono.getClassLoader());
        }
    };

    static {
        registerAsParallelCapable();
    }

    private final ClassLoader agentLoader;
    private final AgentResources adapterClasses;

    private ReactorLoader(ClassLoader reactorLoader, ClassLoader agentLoader) {
        super("bulwark-reactor-adapter", reactorLoader);
        this.agentLoader = agentLoader;
        this.adapterClasses = new AgentResources(agentLoader, FOLDER);
    }

    /**
     * The assembler for the Reactor of {@code type} (a Mono or a Flux), or null when the adapter cannot be
     * defined there: the type then goes through {@link java.util.concurrent.Flow}, as the other libraries do.
     */
    static Object assembler(Class<?> type) throws ClassNotFoundException {
        return ASSEMBLERS.get(Class.forName(MONO, false, type.getClassLoader()));
    }

    private static Object define(ClassLoader reactorLoader) {
        try {
            return new ReactorLoader(reactorLoader, ReactorLoader.class.getClassLoader())
                    .loadClass(ASSEMBLER).getConstructor().newInstance();
        } catch (ClassNotFoundException missing) {
            // Outside the agent jar (the agent's own unit tests) there is no stored adapter.
            return null;
        } catch (ReflectiveOperationException | LinkageError | RuntimeException e) {
            BulwarkLog.warnOnce("reactor-adapter", "cannot link the Reactor adapter against the application's"
                    + " reactor-core, Mono and Flux go through java.util.concurrent.Flow instead: " + e);
            return null;
        }
    }

    @Override
    protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
        if (name.startsWith(ADAPTER_PACKAGE)) {
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
