package dev.bulwark.agent.reactive;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.reflect.Method;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.Flow;

/**
 * A reactive return type that Bulwark protects per subscription, seen only through the application's copy of
 * its library. No reactive library is a dependency of the agent: a type is recognised by its name when a
 * method is woven, and its library is reached through method handles resolved in the class loader of the
 * woven class at the first call, by way of the JDK's {@link Flow} interfaces: reactive-streams'
 * {@code FlowAdapters} (reactive-streams 1.0.3 or newer, which every supported Reactor and RxJava version
 * brings) for Reactor and RxJava, Mutiny's own types for Mutiny, whose publishers are {@link Flow} publishers.
 * Nothing of a library is loaded for an application whose methods return none of its types.
 *
 * <p>Reactor's types need no adaptation: their subscriptions are driven by an adapter that speaks Reactor's own
 * types (see {@link ReactorLoader}), for which the Flow handles serve only the fallback's and an unprotected
 * publisher.
 *
 * <p>The handles are kept with the woven class (a {@link ClassValue}), so that they never keep an undeployed
 * application's class loader reachable.
 */
public final class ReactiveType {
    private static final String PUBLISHER = "org.reactivestreams.Publisher";
    private static final String FLOW_ADAPTERS = "org.reactivestreams.FlowAdapters";
    private static final String REACTOR = "reactor.core.publisher.";
    private static final String RX = "io.reactivex.rxjava3.core.";
    private static final String MUTINY = "io.smallrye.mutiny.";
    private static final MethodHandles.Lookup LOOKUP = MethodHandles.publicLookup();
    private static final Map<String, ReactiveType> BY_NAME = byName(
            new ReactiveType(REACTOR + "Mono", true, ReactiveType::publisherToFlow, fromPublisher("fromDirect")),
            new ReactiveType(REACTOR + "Flux", false, ReactiveType::publisherToFlow, fromPublisher("from")),
            new ReactiveType(RX + "Flowable", false, ReactiveType::publisherToFlow, fromPublisher("fromPublisher")),
            new ReactiveType(RX + "Observable", false, ReactiveType::observableToFlow, fromPublisher("fromPublisher")),
            new ReactiveType(RX + "Single", true, through("toFlowable"), fromPublisher("fromPublisher")),
            new ReactiveType(RX + "Maybe", true, through("toFlowable"), fromPublisher("fromPublisher")),
            new ReactiveType(RX + "Completable", true, through("toFlowable"), fromPublisher("fromPublisher")),
            new ReactiveType(MUTINY + "Uni", true, through("toMulti"), ReactiveType::createdFrom),
            new ReactiveType(MUTINY + "Multi", false, ReactiveType::isFlow, ReactiveType::createdFrom));

    private final String name;
    private final boolean single;
    private final Adaptation toFlow;
    private final Adaptation fromFlow;
    private final ClassValue<Handles> handles = new ClassValue<>() {
        @Override
        protected Handles computeValue(Class<?> site) {
            return resolve(site);
        }
    };

    private ReactiveType(String name, boolean single, Adaptation toFlow, Adaptation fromFlow) {
        this.name = name;
        this.single = single;
        this.toFlow = toFlow;
        this.fromFlow = fromFlow;
    }

    private static Map<String, ReactiveType> byName(ReactiveType... types) {
        Map<String, ReactiveType> byName = new HashMap<>();
        for (ReactiveType type : types) {
            byName.put(type.name, type);
        }
        return Map.copyOf(byName);
    }

    /** The reactive type of a method returning {@code className}, or null when Bulwark does not adapt it. */
    public static ReactiveType named(String className) {
        return BY_NAME.get(className);
    }

    public String name() {
        return name;
    }

    /**
     * Whether the type signals at most one item ({@code Mono}, {@code Single}, {@code Maybe}, {@code Completable},
     * {@code Uni}): its first item is already its success, as for the libraries' own operators, so a subscriber
     * that cancels once it has the item does not cancel the call.
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

    /**
     * The chain's {@code ReactiveInvocation.Assembler} for this type in {@code site}'s loader, when its library
     * has an adapter of its own and that adapter links against the application's copy; else null, and the type
     * goes through {@link Flow}.
     */
    public Object direct(Class<?> site) {
        return handles.get(site).direct;
    }

    /** Whether {@code value}, say a fallback's result, is of this type in {@code site}'s loader. */
    public boolean isInstance(Object value, Class<?> site) {
        return handles.get(site).type.isInstance(value);
    }

    private Handles resolve(Class<?> site) {
        try {
            Class<?> type = Class.forName(name, false, site.getClassLoader());
            return new Handles(type,
                    toFlow.handle(type).asType(MethodType.methodType(Flow.Publisher.class, Object.class)),
                    fromFlow.handle(type).asType(MethodType.methodType(Object.class, Flow.Publisher.class)),
                    name.startsWith(REACTOR) ? ReactorLoader.assembler(type) : null);
        } catch (ReflectiveOperationException | LinkageError | IllegalArgumentException e) {
            throw new IllegalStateException("cannot adapt " + name + " for " + site.getName() + ": the supported"
                    + " versions of its library are in docs/reactive.md (" + e + ")", e);
        }
    }

    /** How to turn a value of a type into a Flow publisher, or back: a method handle made for that type. */
    private interface Adaptation {
        MethodHandle handle(Class<?> type) throws ReflectiveOperationException;
    }

    /** A reactive-streams publisher as a Flow publisher: (type) Flow.Publisher. */
    private static MethodHandle publisherToFlow(Class<?> type) throws ReflectiveOperationException {
        Class<?> publisher = Class.forName(PUBLISHER, false, type.getClassLoader());
        Class<?> adapters = Class.forName(FLOW_ADAPTERS, false, type.getClassLoader());
        return LOOKUP.findStatic(adapters, "toFlowPublisher", MethodType.methodType(Flow.Publisher.class, publisher))
                .asType(MethodType.methodType(Flow.Publisher.class, type));
    }

    /** A type that is a Flow publisher already. */
    private static MethodHandle isFlow(Class<?> type) {
        return MethodHandles.identity(type).asType(MethodType.methodType(Flow.Publisher.class, type));
    }

    /** An Observable, which knows no demand, buffers what its subscriber has not requested yet. */
    private static MethodHandle observableToFlow(Class<?> type) throws ReflectiveOperationException {
        Class<?> strategy = Class.forName(RX + "BackpressureStrategy", false, type.getClassLoader());
        Method toFlowable = type.getMethod("toFlowable", strategy);
        MethodHandle buffered = MethodHandles.insertArguments(LOOKUP.unreflect(toFlowable), 1,
                enumConstant(strategy, "BUFFER"));
        return MethodHandles.filterReturnValue(buffered, publisherToFlow(toFlowable.getReturnType()));
    }

    /** Converts with the type's own no-argument method to another type, then that one to a Flow publisher. */
    private static Adaptation through(String method) {
        return type -> {
            Method conversion = type.getMethod(method);
            Class<?> converted = conversion.getReturnType();
            MethodHandle next = Flow.Publisher.class.isAssignableFrom(converted) ? isFlow(converted) : publisherToFlow(converted);
            return MethodHandles.filterReturnValue(LOOKUP.unreflect(conversion), next);
        };
    }

    /** The type's static factory taking a reactive-streams publisher, fed from a Flow publisher. */
    private static Adaptation fromPublisher(String factory) {
        return type -> {
            Class<?> publisher = Class.forName(PUBLISHER, false, type.getClassLoader());
            Class<?> adapters = Class.forName(FLOW_ADAPTERS, false, type.getClassLoader());
            MethodHandle toPublisher = LOOKUP.findStatic(adapters, "toPublisher",
                    MethodType.methodType(publisher, Flow.Publisher.class));
            return MethodHandles.filterReturnValue(toPublisher, LOOKUP.unreflect(type.getMethod(factory, publisher)));
        };
    }

    /** Mutiny's {@code Type.createFrom().publisher(flowPublisher)}. */
    private static MethodHandle createdFrom(Class<?> type) throws ReflectiveOperationException {
        Method createFrom = type.getMethod("createFrom");
        Method publisher = createFrom.getReturnType().getMethod("publisher", Flow.Publisher.class);
        return MethodHandles.foldArguments(LOOKUP.unreflect(publisher), LOOKUP.unreflect(createFrom));
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private static Object enumConstant(Class<?> type, String name) {
        return Enum.valueOf((Class) type, name);
    }

    @Override
    public String toString() {
        return name;
    }

    private static final class Handles {
        final Class<?> type;
        final MethodHandle toFlow;
        final MethodHandle fromFlow;
        final Object direct;

        Handles(Class<?> type, MethodHandle toFlow, MethodHandle fromFlow, Object direct) {
            this.type = type;
            this.toFlow = toFlow;
            this.fromFlow = fromFlow;
            this.direct = direct;
        }
    }
}
