package dev.bulwark.agent.reactive;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.util.Map;
import java.util.concurrent.Flow;

/**
 * A reactive return type that Bulwark protects per subscription, seen only through the application's copy of
 * its library. No reactive library is a dependency of the agent: a type is recognised by its name when a
 * method is woven, and its library is reached through method handles resolved in the class loader of the
 * woven class at the first call, by way of the JDK's {@link Flow} interfaces and reactive-streams'
 * {@code FlowAdapters} (reactive-streams 1.0.3 or newer, which every supported library version brings).
 * Nothing of a library is loaded for an application whose methods return none of its types.
 *
 * <p>The handles are kept with the woven class (a {@link ClassValue}), so that they never keep an undeployed
 * application's class loader reachable.
 */
public final class ReactiveType {
    private static final String PUBLISHER = "org.reactivestreams.Publisher";
    private static final String FLOW_ADAPTERS = "org.reactivestreams.FlowAdapters";
    private static final Map<String, ReactiveType> BY_NAME = Map.of(
            "reactor.core.publisher.Mono", new ReactiveType("reactor.core.publisher.Mono", true, "fromDirect"),
            "reactor.core.publisher.Flux", new ReactiveType("reactor.core.publisher.Flux", false, "from"));

    private final String name;
    private final boolean single;
    private final String fromPublisher;
    private final ClassValue<Handles> handles = new ClassValue<>() {
        @Override
        protected Handles computeValue(Class<?> site) {
            return resolve(site);
        }
    };

    private ReactiveType(String name, boolean single, String fromPublisher) {
        this.name = name;
        this.single = single;
        this.fromPublisher = fromPublisher;
    }

    /** The reactive type of a method returning {@code className}, or null when Bulwark does not adapt it. */
    public static ReactiveType named(String className) {
        return BY_NAME.get(className);
    }

    public String name() {
        return name;
    }

    /**
     * Whether the type signals at most one item ({@code Mono}): its first item is already its success, as for
     * Reactor's own operators, so a subscriber that cancels once it has the item does not cancel the call.
     */
    public boolean single() {
        return single;
    }

    /** The application's publisher {@code value}, returned by a method of {@code site}, as a JDK Flow publisher. */
    @SuppressWarnings("unchecked")
    public Flow.Publisher<Object> toFlow(Object value, Class<?> site) throws Throwable {
        return (Flow.Publisher<Object>) handles.get(site).toFlow.invokeExact(value);
    }

    /** A value of this type, in {@code site}'s loader, that signals what {@code publisher} signals. */
    public Object fromFlow(Flow.Publisher<Object> publisher, Class<?> site) throws Throwable {
        return handles.get(site).fromFlow.invokeExact(publisher);
    }

    /** Whether {@code value}, say a fallback's result, is of this type in {@code site}'s loader. */
    public boolean isInstance(Object value, Class<?> site) {
        return handles.get(site).type.isInstance(value);
    }

    private Handles resolve(Class<?> site) {
        ClassLoader loader = site.getClassLoader();
        try {
            Class<?> type = Class.forName(name, false, loader);
            ClassLoader library = type.getClassLoader();
            Class<?> publisher = Class.forName(PUBLISHER, false, library);
            Class<?> adapters = Class.forName(FLOW_ADAPTERS, false, library);
            MethodHandles.Lookup lookup = MethodHandles.publicLookup();
            MethodHandle toFlow = lookup.findStatic(adapters, "toFlowPublisher",
                    MethodType.methodType(Flow.Publisher.class, publisher));
            MethodHandle toPublisher = lookup.findStatic(adapters, "toPublisher",
                    MethodType.methodType(publisher, Flow.Publisher.class));
            MethodHandle factory = lookup.findStatic(type, fromPublisher, MethodType.methodType(type, publisher));
            return new Handles(type,
                    toFlow.asType(MethodType.methodType(Flow.Publisher.class, Object.class)),
                    MethodHandles.filterReturnValue(toPublisher, factory)
                            .asType(MethodType.methodType(Object.class, Flow.Publisher.class)));
        } catch (ReflectiveOperationException | LinkageError e) {
            throw new IllegalStateException("cannot adapt " + name + " for " + site.getName() + ": needs "
                    + FLOW_ADAPTERS + " (reactive-streams 1.0.3 or newer) beside it in its class loader: " + e, e);
        }
    }

    @Override
    public String toString() {
        return name;
    }

    private static final class Handles {
        final Class<?> type;
        final MethodHandle toFlow;
        final MethodHandle fromFlow;

        Handles(Class<?> type, MethodHandle toFlow, MethodHandle fromFlow) {
            this.type = type;
            this.toFlow = toFlow;
            this.fromFlow = fromFlow;
        }
    }
}
