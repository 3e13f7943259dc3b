package dev.bulwark.agent.weave;

import dev.bulwark.agent.chain.SiteDefinition;
import dev.bulwark.agent.config.BulwarkConfig;
import dev.bulwark.agent.config.PolicyKind;
import dev.bulwark.agent.runtime.BulwarkLog;
import net.bytebuddy.ByteBuddy;
import net.bytebuddy.agent.builder.AgentBuilder;
import net.bytebuddy.agent.builder.ResettableClassFileTransformer;
import net.bytebuddy.asm.Advice;
import net.bytebuddy.description.method.MethodDescription;
import net.bytebuddy.description.type.TypeDescription;
import net.bytebuddy.dynamic.ClassFileLocator;
import net.bytebuddy.dynamic.DynamicType;
import net.bytebuddy.dynamic.Nexus;
import net.bytebuddy.dynamic.scaffold.MethodGraph;
import net.bytebuddy.implementation.bytecode.constant.IntegerConstant;
import net.bytebuddy.matcher.ElementMatcher;
import net.bytebuddy.matcher.ElementMatchers;
import net.bytebuddy.pool.TypePool;
import net.bytebuddy.utility.JavaModule;

import java.lang.instrument.ClassFileTransformer;
import java.lang.instrument.IllegalClassFormatException;
import java.lang.instrument.Instrumentation;
import java.security.AccessController;
import java.security.PrivilegedAction;
import java.security.ProtectionDomain;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.StringJoiner;
import java.util.function.Consumer;

import static net.bytebuddy.matcher.ElementMatchers.isAnnotatedWith;
import static net.bytebuddy.matcher.ElementMatchers.nameStartsWith;

/** The Byte Buddy side of {@link Weaver}: which classes it transforms, and how. */
final class ByteBuddyWeaving {
    private final Weaver weaver;
    private final SitePlanner planner;
    /** Where a method left out of its class's weaving is reported. */
    private final Consumer<String> leftOutReport;
    /**
     * The class this thread is weaving, for {@link #transform} and {@link #advice}. Byte Buddy transforms a
     * class on the thread that loads it, from {@link #weave} to the written class file.
     */
    private final ThreadLocal<ClassWeaving> classBeingWoven = new ThreadLocal<>();
    /**
     * Built once: building it reads and resolves {@link BulwarkAdvice}, which is costly when repeated for every
     * woven class (docs/benchmark-history.md).
     */
    private final Advice advice;

    private ByteBuddyWeaving(Weaver weaver, Consumer<String> leftOutReport) {
        this.weaver = weaver;
        this.planner = weaver.planner();
        this.leftOutReport = leftOutReport;
        this.advice = Advice.withCustomMapping()
                .bind(SiteId.class, (Advice.OffsetMapping) (instrumentedType, instrumentedMethod, assigner, arguments, sort) ->
                        new Advice.OffsetMapping.Target.ForStackManipulation(
                                IntegerConstant.forValue(classBeingWoven.get().siteId(SitePlanner.key(instrumentedMethod)))))
                .to(BulwarkAdvice.class);
    }

    /** A transformer for classes loaded from now on; the caller registers it. */
    static ClassFileTransformer transformer(Weaver weaver) {
        return transformer(weaver, ByteBuddyWeaving::reportLeftOut);
    }

    /** @param leftOutReport where a method left out of its class's weaving is reported, in one line */
    @SuppressWarnings("removal")
    static ClassFileTransformer transformer(Weaver weaver, Consumer<String> leftOutReport) {
        ByteBuddyWeaving weaving = new ByteBuddyWeaving(weaver, leftOutReport);
        // Built when the first class to protect loads, on the application's thread: Byte Buddy's transformer keeps
        // the access-control context it was made in, which holds the protection domain, and so the class loader,
        // of every application class on that thread's stack (up to JDK 23). A privileged action leaves only ours.
        ClassFileTransformer byteBuddy = AccessController.doPrivileged(
                (PrivilegedAction<ClassFileTransformer>) () -> weaving.agentBuilder().makeRaw());
        return new ClassFileTransformer() {
            @Override
            public byte[] transform(Module module, ClassLoader loader, String internalName, Class<?> redefined,
                                    ProtectionDomain domain, byte[] classFile) {
                return weaving.weave(byteBuddy, module, loader, internalName, redefined, domain, classFile);
            }
        };
    }

    /** Registers the transformer, behind the weaver's prefilter, and weaves the matching classes already loaded. */
    static void installRetransforming(Weaver weaver, Instrumentation instrumentation) {
        ByteBuddyWeaving weaving = new ByteBuddyWeaving(weaver, ByteBuddyWeaving::reportLeftOut);
        weaving.agentBuilder()
                .with(AgentBuilder.RedefinitionStrategy.RETRANSFORMATION)
                .with((AgentBuilder.TransformerDecorator) transformer -> weaving.new Prefiltered(transformer))
                .installOn(instrumentation);
    }

    /** Once per method: a class loaded again, by another loader or for a reload, is left out the same way. */
    private static void reportLeftOut(String message) {
        BulwarkLog.errorOnce(message, message, null);
    }

    /**
     * Weaves a class with {@code byteBuddy}, once more without each method that cannot be woven, until the
     * class can be: one such method runs unprotected, not its whole class. Under the current config
     * throughout, so that a reload sees the sites defined at the end or hands them its config.
     */
    private byte[] weave(ClassFileTransformer byteBuddy, Module module, ClassLoader loader, String internalName,
                         Class<?> redefined, ProtectionDomain domain, byte[] classFile) {
        // A class that loads on this thread while another is woven (Byte Buddy then leaves it as it is) must
        // not take the other's place.
        ClassWeaving outer = classBeingWoven.get();
        try {
            return weaver.underCurrentConfig(config -> {
                ClassWeaving weaving = new ClassWeaving(config, leftOutReport, SiteIdConstants.placeholderBase(classFile));
                classBeingWoven.set(weaving);
                List<String> interrupted = BulwarkLog.startRecording();
                byte[] woven;
                List<String> reports;
                try {
                    woven = attempt(weaving, byteBuddy, module, loader, internalName, redefined, domain, classFile);
                    while (weaving.leaveOutFailedMethod() || weaving.standInForAbsentTypes()) {
                        woven = attempt(weaving, byteBuddy, module, loader, internalName, redefined, domain, classFile);
                    }
                } finally {
                    reports = BulwarkLog.stopRecording(interrupted);
                }
                if (redefined == null && weaving.keepable()) {
                    // A class woven again (a reload, another agent) is not kept: only the first load is looked up.
                    weaver.keep(internalName, classFile, config, weaving, woven, reports);
                }
                if (woven == null) {
                    return null;
                }
                byte[] withIds = weaving.patchIds(woven);
                weaving.defineSites(weaver.sites(), loader);
                return withIds;
            });
        } catch (IllegalArgumentException malformed) {
            // A class file this reader cannot parse, which Byte Buddy could not weave either: left as it is.
            BulwarkLog.errorOnce("weave " + internalName, "could not weave " + internalName + "; it runs unprotected: "
                    + malformed, malformed);
            return null;
        } finally {
            if (outer == null) {
                classBeingWoven.remove();
            } else {
                classBeingWoven.set(outer);
            }
        }
    }

    /** The woven class file, or null when the class stays as it is. */
    private static byte[] attempt(ClassWeaving weaving, ClassFileTransformer byteBuddy, Module module, ClassLoader loader,
                                  String internalName, Class<?> redefined, ProtectionDomain domain, byte[] classFile) {
        try {
            return byteBuddy.transform(module, loader, internalName, redefined, domain, classFile);
        } catch (IllegalClassFormatException | RuntimeException e) {
            weaving.failedWhole();
            // Byte Buddy throws a failure once it has reported it to the Listener; the JVM, given it, would
            // keep the class as it is.
            return null;
        }
    }

    private AgentBuilder agentBuilder() {
        // Byte Buddy's Nexus, which this agent never uses, is set up eagerly with sun.misc.Unsafe, and that
        // prints a deprecation warning in the application's output on Java 24+. The property is the relocated
        // Byte Buddy's own, so an application's Byte Buddy is not affected.
        System.setProperty(Nexus.PROPERTY, "true");
        ElementMatcher.Junction<TypeDescription> bulwarkAnnotation = ElementMatchers.none();
        for (PolicyKind kind : PolicyKind.values()) {
            bulwarkAnnotation = bulwarkAnnotation.or(ElementMatchers.named(kind.annotationType()));
        }
        ElementMatcher<TypeDescription> selected = isAnnotatedWith(bulwarkAnnotation)
                .or(ElementMatchers.declaresMethod(isAnnotatedWith(bulwarkAnnotation)))
                .or(type -> weaver.selectsClass(type.getName()));
        ElementMatcher.Junction<TypeDescription> ignored = ElementMatchers.isSynthetic();
        for (String prefix : Weaver.NEVER_WOVEN) {
            ignored = ignored.or(nameStartsWith(prefix));
        }
        // Advice rewrites declared methods only, so the full method graph (every inherited method, resolved
        // through the class hierarchy for each woven class) is never needed.
        return new AgentBuilder.Default(new ByteBuddy().with(MethodGraph.Compiler.ForDeclaredMethods.INSTANCE))
                .disableClassFormatChanges()
                .with(AgentBuilder.InitializationStrategy.NoOp.INSTANCE)
                .with(AgentBuilder.TypeStrategy.Default.DECORATE)
                // A class woven again (an attach, a reload) is described from its class file, not by reflection on
                // the loaded class: listing its methods so loads the type of every parameter, and a class loading
                // inside Byte Buddy's weaving on this thread is left unwoven for good.
                .with(AgentBuilder.DescriptionStrategy.Default.POOL_FIRST)
                .with(new PoolOfThisWeaving())
                .with(new Listener())
                .ignore(ignored)
                .type(selected)
                .transform(this::transform);
    }

    private DynamicType.Builder<?> transform(DynamicType.Builder<?> builder, TypeDescription type, ClassLoader loader,
                                             JavaModule module, ProtectionDomain domain) {
        ClassWeaving weaving = classBeingWoven.get();
        if (!weaving.isPlanned()) {
            weaving.planned(plan(type, weaving.config(), loader));
        }
        Map<String, Integer> siteIds = weaving.reserveSites(weaver.sites(), loader);
        if (siteIds.isEmpty()) {
            return builder;
        }
        return builder.visit(advice.on(method -> siteIds.containsKey(SitePlanner.key(method))));
    }

    /** The protected methods of {@code type}, by their names' and descriptors' keys. */
    private Map<String, ClassWeaving.PlannedSite> plan(TypeDescription type, BulwarkConfig config, ClassLoader loader) {
        Map<String, ClassWeaving.PlannedSite> planned = new LinkedHashMap<>();
        for (MethodDescription.InDefinedShape method : type.getDeclaredMethods()) {
            if (!SitePlanner.isCandidate(method)) {
                continue;
            }
            SiteDefinition site = planner.plan(type, method, config, loader);
            if (site == null) {
                continue;
            }
            if (absentType(type, method)) {
                classBeingWoven.get().leftOutForAbsentType();
                continue;
            }
            String key = SitePlanner.key(method);
            planned.put(key, new ClassWeaving.PlannedSite(type.getName() + "#" + key,
                    type.getName() + "#" + method.getName() + parameterList(method), site));
        }
        return planned;
    }

    /** Whether a type of the method's signature is absent from its loader, as reported once when so. */
    private static boolean absentType(TypeDescription type, MethodDescription method) {
        String missing = SitePlanner.missingType(method);
        if (missing == null) {
            return false;
        }
        BulwarkLog.warnOnce("absent type " + type.getName() + "#" + SitePlanner.key(method),
                type.getName() + "#" + method.getName() + parameterList(method) + " is not protected: its class loader"
                        + " cannot find " + missing + ", which its signature names, so the method cannot run either;"
                        + " the other methods of the class are");
        return true;
    }

    /** The shared pools, describing the types the class's loader lacks as stand-ins once an attempt failed on one. */
    private final class PoolOfThisWeaving implements AgentBuilder.PoolStrategy {
        @Override
        public TypePool typePool(ClassFileLocator classFileLocator, ClassLoader classLoader) {
            ClassWeaving weaving = classBeingWoven.get();
            return weaving != null && weaving.standsInForAbsentTypes()
                    ? BootTypesFirst.SHARED.standingInForAbsentTypes(classFileLocator)
                    : BootTypesFirst.SHARED.typePool(classFileLocator, classLoader);
        }

        @Override
        public TypePool typePool(ClassFileLocator classFileLocator, ClassLoader classLoader, String name) {
            return typePool(classFileLocator, classLoader);
        }
    }

    /** {@code (int, java.lang.String[])} */
    private static String parameterList(MethodDescription method) {
        StringJoiner parameters = new StringJoiner(", ", "(", ")");
        for (TypeDescription parameter : method.getParameters().asTypeList().asErasures()) {
            parameters.add(parameter.getActualName());
        }
        return parameters.toString();
    }

    /**
     * Hands Byte Buddy only the classes {@link Weaver#mayProtect} lets through, retransformed ones too, and
     * weaves each as {@link #weave} does.
     */
    private final class Prefiltered extends ResettableClassFileTransformer.WithDelegation {
        Prefiltered(ResettableClassFileTransformer transformer) {
            super(transformer);
        }

        @Override
        public byte[] transform(Module module, ClassLoader loader, String internalName, Class<?> redefined,
                                ProtectionDomain domain, byte[] classFile) {
            return weaver.mayProtect(internalName, classFile)
                    ? weave(classFileTransformer, module, loader, internalName, redefined, domain, classFile) : null;
        }
    }

    /**
     * Reports classes that could not be woven (they run unprotected), unless one method was the cause: that
     * one is left out of the next attempt instead.
     */
    private final class Listener extends AgentBuilder.Listener.Adapter {
        @Override
        public void onDiscovery(String typeName, ClassLoader classLoader, JavaModule module, boolean loaded) {
            ClassWeaving weaving = classBeingWoven.get();
            if (weaving != null) {
                weaving.seen();
            }
        }

        @Override
        public void onError(String typeName, ClassLoader classLoader, JavaModule module, boolean loaded, Throwable throwable) {
            ClassWeaving weaving = classBeingWoven.get();
            if (weaving == null || !(weaving.failedOnOneMethod(throwable) || weaving.failedOnAbsentType(throwable))) {
                if (weaving != null) {
                    weaving.failedWhole();
                }
                BulwarkLog.errorOnce("weave " + typeName, "could not weave " + typeName + "; it runs unprotected: " + throwable, throwable);
            }
        }
    }
}
