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
import net.bytebuddy.dynamic.DynamicType;
import net.bytebuddy.dynamic.Nexus;
import net.bytebuddy.dynamic.scaffold.MethodGraph;
import net.bytebuddy.implementation.bytecode.constant.IntegerConstant;
import net.bytebuddy.matcher.ElementMatcher;
import net.bytebuddy.matcher.ElementMatchers;
import net.bytebuddy.utility.JavaModule;

import java.lang.instrument.ClassFileTransformer;
import java.lang.instrument.IllegalClassFormatException;
import java.lang.instrument.Instrumentation;
import java.security.ProtectionDomain;
import java.util.HashMap;
import java.util.Map;

import static net.bytebuddy.matcher.ElementMatchers.isAnnotatedWith;
import static net.bytebuddy.matcher.ElementMatchers.nameStartsWith;

/** The Byte Buddy side of {@link Weaver}: which classes it transforms, and how. */
final class ByteBuddyWeaving {
    private final Weaver weaver;
    private final SitePlanner planner;
    /**
     * The site ids of the class this thread is weaving, for {@link #advice}. Byte Buddy transforms a class on
     * the thread that loads it, from {@link #transform} to the written class file, and never nests two
     * transformations on one thread.
     */
    private final ThreadLocal<Map<String, Integer>> siteIdsBeingWoven = new ThreadLocal<>();
    /** Built once: building it reads and resolves {@link BulwarkAdvice}, which cost a millisecond per woven class. */
    private final Advice advice;

    private ByteBuddyWeaving(Weaver weaver) {
        this.weaver = weaver;
        this.planner = weaver.planner();
        this.advice = Advice.withCustomMapping()
                .bind(SiteId.class, (Advice.OffsetMapping) (instrumentedType, instrumentedMethod, assigner, arguments, sort) ->
                        new Advice.OffsetMapping.Target.ForStackManipulation(
                                IntegerConstant.forValue(siteIdsBeingWoven.get().get(key(instrumentedMethod)))))
                .to(BulwarkAdvice.class);
    }

    /** A transformer for classes loaded from now on; the caller registers it. */
    static ClassFileTransformer transformer(Weaver weaver) {
        return new ByteBuddyWeaving(weaver).agentBuilder().makeRaw();
    }

    /** Registers the transformer, behind the weaver's prefilter, and weaves the matching classes already loaded. */
    static void installRetransforming(Weaver weaver, Instrumentation instrumentation) {
        new ByteBuddyWeaving(weaver).agentBuilder()
                .with(AgentBuilder.RedefinitionStrategy.RETRANSFORMATION)
                .with((AgentBuilder.TransformerDecorator) transformer -> new Prefiltered(weaver, transformer))
                .installOn(instrumentation);
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
                .with(new BootTypesFirst())
                .with(new Listener())
                .ignore(ignored)
                .type(selected)
                .transform(this::transform);
    }

    private DynamicType.Builder<?> transform(DynamicType.Builder<?> builder, TypeDescription type, ClassLoader loader,
                                             JavaModule module, ProtectionDomain domain) {
        Map<String, Integer> siteIds = weaver.underCurrentConfig(config -> registerSites(type, loader, config));
        if (siteIds.isEmpty()) {
            return builder;
        }
        siteIdsBeingWoven.set(siteIds);
        return builder.visit(advice.on(method -> siteIds.containsKey(key(method))));
    }

    /** Plans and registers the protected methods of {@code type}: their descriptors' keys and site ids. */
    private Map<String, Integer> registerSites(TypeDescription type, ClassLoader loader, BulwarkConfig config) {
        Map<String, Integer> siteIds = new HashMap<>();
        for (MethodDescription.InDefinedShape method : type.getDeclaredMethods()) {
            if (!SitePlanner.isCandidate(method)) {
                continue;
            }
            SiteDefinition site = planner.plan(type, method, config);
            if (site != null) {
                int id = weaver.sites().register(loader, type.getName() + "#" + key(method), site);
                siteIds.put(key(method), id);
                if (BulwarkLog.isDebug()) {
                    BulwarkLog.debug("woven " + site.policies() + " as site " + id + (loader == null ? "" : " in " + loader));
                }
            }
        }
        return siteIds;
    }

    private static String key(MethodDescription method) {
        return method.getInternalName() + method.getDescriptor();
    }

    /** Hands Byte Buddy only the classes {@link Weaver#mayProtect} lets through, retransformed ones too. */
    private static final class Prefiltered extends ResettableClassFileTransformer.WithDelegation {
        private final Weaver weaver;

        Prefiltered(Weaver weaver, ResettableClassFileTransformer transformer) {
            super(transformer);
            this.weaver = weaver;
        }

        @Override
        public byte[] transform(Module module, ClassLoader loader, String internalName, Class<?> redefined,
                                ProtectionDomain domain, byte[] classFile) throws IllegalClassFormatException {
            return weaver.mayProtect(internalName, classFile)
                    ? classFileTransformer.transform(module, loader, internalName, redefined, domain, classFile) : null;
        }
    }

    /** Reports classes that could not be woven (they run unprotected), and forgets each class's site ids. */
    private final class Listener extends AgentBuilder.Listener.Adapter {
        @Override
        public void onComplete(String typeName, ClassLoader classLoader, JavaModule module, boolean loaded) {
            siteIdsBeingWoven.remove();
        }

        @Override
        public void onError(String typeName, ClassLoader classLoader, JavaModule module, boolean loaded, Throwable throwable) {
            BulwarkLog.errorOnce("weave " + typeName, "could not weave " + typeName + "; it runs unprotected: " + throwable, throwable);
        }
    }
}
