package dev.bulwark.agent.weave;

import dev.bulwark.agent.chain.CallSites;
import dev.bulwark.agent.chain.SiteDefinition;
import dev.bulwark.agent.config.BulwarkConfig;
import dev.bulwark.agent.config.InstrumentMatches;
import dev.bulwark.agent.config.PolicyKind;
import dev.bulwark.agent.runtime.BulwarkLog;
import net.bytebuddy.ByteBuddy;
import net.bytebuddy.agent.builder.AgentBuilder;
import net.bytebuddy.agent.builder.ResettableClassFileTransformer;
import net.bytebuddy.asm.Advice;
import net.bytebuddy.asm.AsmVisitorWrapper;
import net.bytebuddy.description.method.MethodDescription;
import net.bytebuddy.description.type.TypeDescription;
import net.bytebuddy.dynamic.DynamicType;
import net.bytebuddy.dynamic.Nexus;
import net.bytebuddy.implementation.bytecode.constant.IntegerConstant;
import net.bytebuddy.matcher.ElementMatcher;
import net.bytebuddy.matcher.ElementMatchers;
import net.bytebuddy.utility.JavaModule;

import java.lang.instrument.IllegalClassFormatException;
import java.lang.instrument.Instrumentation;
import java.nio.charset.StandardCharsets;
import java.security.ProtectionDomain;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.locks.ReadWriteLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;

import static net.bytebuddy.matcher.ElementMatchers.isAnnotatedWith;
import static net.bytebuddy.matcher.ElementMatchers.nameStartsWith;

/**
 * Installs the class file transformer: a class is woven when one of its methods, or the class itself, carries
 * a Bulwark annotation, or the config selects it. Each protected method gets the inline {@link BulwarkAdvice}
 * with its own call-site id as a constant.
 */
public final class Weaver {
    private final CallSites sites;
    private final InstrumentMatches matches = new InstrumentMatches();
    private final SitePlanner planner = new SitePlanner(matches);
    /**
     * Weaving holds the read side while it plans and registers a class's sites; a reload holds the write side
     * while it swaps the config and re-resolves every site, so no class is woven with the old config and then
     * missed by the reload. Read locks are re-entrant, so a class loaded while another is woven cannot block.
     */
    private final ReadWriteLock reloadLock = new ReentrantReadWriteLock();
    private volatile BulwarkConfig config;

    public Weaver(BulwarkConfig config, CallSites sites) {
        this.config = config;
        this.sites = sites;
    }

    /** Which {@code instrument} entries have matched so far. */
    public InstrumentMatches instrumentMatches() {
        return matches;
    }

    /**
     * Makes {@code next} the config of every class woven from now on, and re-resolves every woven method
     * against it. New {@code instrument} entries reach classes loaded after this call.
     *
     * @return how many call sites changed
     */
    public int reconfigure(BulwarkConfig next) {
        reloadLock.writeLock().lock();
        try {
            config = next;
            return sites.reconfigure(site -> planner.replan(site, next));
        } finally {
            reloadLock.writeLock().unlock();
        }
    }

    public void install(Instrumentation instrumentation) {
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
                .or(type -> config.selectsClass(type.getName()));
        new AgentBuilder.Default(new ByteBuddy())
                .disableClassFormatChanges()
                .with(AgentBuilder.RedefinitionStrategy.RETRANSFORMATION)
                .with(AgentBuilder.InitializationStrategy.NoOp.INSTANCE)
                .with(AgentBuilder.TypeStrategy.Default.DECORATE)
                .with(new FailureListener())
                .with((AgentBuilder.TransformerDecorator) Prefilter::new)
                .ignore(nameStartsWith("dev.bulwark.agent.").or(nameStartsWith("dev.bulwark.shaded."))
                        .or(nameStartsWith("java.")).or(nameStartsWith("jdk.")).or(nameStartsWith("sun."))
                        .or(nameStartsWith("com.sun.")).or(nameStartsWith("io.opentelemetry.javaagent."))
                        .or(ElementMatchers.isSynthetic()))
                .type(selected)
                .transform(this::transform)
                .installOn(instrumentation);
    }

    private DynamicType.Builder<?> transform(DynamicType.Builder<?> builder, TypeDescription type, ClassLoader loader,
                                             JavaModule module, ProtectionDomain domain) {
        Map<String, Integer> siteIds = new HashMap<>();
        reloadLock.readLock().lock();
        try {
            BulwarkConfig current = config;
            for (MethodDescription.InDefinedShape method : type.getDeclaredMethods()) {
                if (!SitePlanner.isCandidate(method)) {
                    continue;
                }
                SiteDefinition site = planner.plan(type, method, current);
                if (site != null) {
                    int id = sites.register(site);
                    siteIds.put(key(method), id);
                    BulwarkLog.debug("woven " + site.policies() + " as site " + id + (loader == null ? "" : " in " + loader));
                }
            }
        } finally {
            reloadLock.readLock().unlock();
        }
        if (siteIds.isEmpty()) {
            return builder;
        }
        AsmVisitorWrapper advice = Advice.withCustomMapping()
                .bind(SiteId.class, (Advice.OffsetMapping) (instrumentedType, instrumentedMethod, assigner, arguments, sort) ->
                        new Advice.OffsetMapping.Target.ForStackManipulation(IntegerConstant.forValue(siteIds.get(key(instrumentedMethod)))))
                .to(BulwarkAdvice.class)
                .on(method -> siteIds.containsKey(key(method)));
        return builder.visit(advice);
    }

    /**
     * Whether a class may need weaving, judged from its raw bytes: only a class whose constant pool names a
     * Bulwark annotation, or that the config selects by name, is handed to Byte Buddy. Parsing every class the
     * application loads to look for annotations cost tens of microseconds per class at start-up.
     */
    private boolean mayProtect(String internalName, byte[] classFile) {
        return internalName != null
                && (contains(classFile, ANNOTATION_PACKAGE) || config.selectsClass(internalName.replace('/', '.')));
    }

    private static final byte[] ANNOTATION_PACKAGE = "Ldev/bulwark/annotations/".getBytes(StandardCharsets.US_ASCII);

    static boolean contains(byte[] haystack, byte[] needle) {
        byte first = needle[0];
        int last = haystack.length - needle.length;
        for (int i = 0; i <= last; i++) {
            if (haystack[i] == first && matchesAt(haystack, i, needle)) {
                return true;
            }
        }
        return false;
    }

    private static boolean matchesAt(byte[] haystack, int offset, byte[] needle) {
        for (int j = 1; j < needle.length; j++) {
            if (haystack[offset + j] != needle[j]) {
                return false;
            }
        }
        return true;
    }

    /** Hands Byte Buddy only the classes {@link #mayProtect} lets through. */
    private final class Prefilter extends ResettableClassFileTransformer.WithDelegation {
        Prefilter(ResettableClassFileTransformer transformer) {
            super(transformer);
        }

        @Override
        public byte[] transform(ClassLoader loader, String internalName, Class<?> redefined, ProtectionDomain domain,
                                byte[] classFile) throws IllegalClassFormatException {
            return mayProtect(internalName, classFile)
                    ? classFileTransformer.transform(loader, internalName, redefined, domain, classFile) : null;
        }

        @Override
        public byte[] transform(Module module, ClassLoader loader, String internalName, Class<?> redefined,
                                ProtectionDomain domain, byte[] classFile) throws IllegalClassFormatException {
            return mayProtect(internalName, classFile)
                    ? classFileTransformer.transform(module, loader, internalName, redefined, domain, classFile) : null;
        }
    }

    private static String key(MethodDescription method) {
        return method.getInternalName() + method.getDescriptor();
    }

    /** Reports classes that could not be woven; they run unprotected. */
    private static final class FailureListener extends AgentBuilder.Listener.Adapter {
        @Override
        public void onError(String typeName, ClassLoader classLoader, JavaModule module, boolean loaded, Throwable throwable) {
            BulwarkLog.errorOnce("weave " + typeName, "could not weave " + typeName + "; it runs unprotected: " + throwable, throwable);
        }
    }
}
