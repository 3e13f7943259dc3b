package dev.bulwark.agent.reactive;

import dev.bulwark.agent.runtime.BulwarkLog;
import dev.bulwark.agent.telemetry.AdapterLoader;

/**
 * Defines the Reactor adapter ({@code dev.bulwark.agent.reactive.reactor}, compiled against reactor-core but
 * stored in the agent jar where no loader finds it by name) next to one application's copy of reactor-core: it
 * links against that loader's Reactor types, while every other {@code dev.bulwark} type comes from the agent
 * loader, so that the adapter drives the chain's own subscriptions. One per loader that defines Reactor, made at
 * the first call of a method returning a {@code Mono} or {@code Flux}.
 */
final class ReactorLoader extends AdapterLoader {
    private static final String ASSEMBLER = "dev.bulwark.agent.reactive.reactor.ReactorAssembler";
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

    private ReactorLoader(ClassLoader reactorLoader, ClassLoader agentLoader) {
        super("bulwark-reactor-adapter", reactorLoader, agentLoader, "dev.bulwark.agent.reactive.reactor.", "reactor/");
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
}
