package dev.bulwark.agent.weave;

import com.typesafe.config.Config;
import dev.bulwark.agent.chain.SiblingMethod;
import dev.bulwark.agent.chain.SiteDefinition;
import dev.bulwark.agent.config.BulwarkConfig;
import dev.bulwark.agent.config.ChaosExperiment;
import dev.bulwark.agent.config.InstrumentMatches;
import dev.bulwark.agent.config.InstrumentRule;
import dev.bulwark.agent.config.PolicyKind;
import dev.bulwark.agent.config.SitePolicies;
import dev.bulwark.agent.policy.fallback.FallbackSpec;
import dev.bulwark.agent.policy.bulkhead.BulkheadSpec;
import dev.bulwark.agent.policy.circuitbreaker.CircuitBreakerSpec;
import dev.bulwark.agent.policy.ratelimit.RateKey;
import dev.bulwark.agent.policy.ratelimit.RateLimiterSpec;
import dev.bulwark.agent.reactive.ReactiveType;
import dev.bulwark.agent.runtime.BulwarkLog;
import net.bytebuddy.description.annotation.AnnotationDescription;
import net.bytebuddy.description.method.MethodDescription;
import net.bytebuddy.description.method.ParameterDescription;
import net.bytebuddy.description.type.TypeDefinition;
import net.bytebuddy.description.type.TypeDescription;
import net.bytebuddy.pool.TypePool;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * Decides, from a method's annotations, its class's annotations and the config, which policies protect it,
 * and checks its fallback method against the class before anything runs.
 */
final class SitePlanner {
    private static final String KOTLIN_CONTINUATION = "kotlin.coroutines.Continuation";

    private final InstrumentMatches matches;

    SitePlanner(InstrumentMatches matches) {
        this.matches = matches;
    }

    /**
     * A method's name and descriptor, as weaving names the sites of a class and the cache keeps them. Here, not
     * with the weaving, so that planning a class from the cache does not load Byte Buddy's weaving classes.
     */
    static String key(MethodDescription method) {
        return method.getInternalName() + method.getDescriptor();
    }

    static boolean isCandidate(MethodDescription method) {
        return method.isMethod() && !method.isAbstract() && !method.isNative() && !method.isBridge()
                && !method.isSynthetic() && !isKotlinSuspend(method);
    }

    private static boolean isKotlinSuspend(MethodDescription method) {
        List<? extends ParameterDescription> parameters = method.getParameters();
        return !parameters.isEmpty()
                && parameters.get(parameters.size() - 1).getType().asErasure().getName().equals(KOTLIN_CONTINUATION);
    }

    /**
     * The site of a protected method, or null when nothing protects it.
     *
     * @param loader the class loader defining {@code type} (null for the boot loader), which finds the classes a
     *               result check names
     */
    SiteDefinition plan(TypeDescription type, MethodDescription method, BulwarkConfig config, ClassLoader loader) {
        Map<PolicyKind, Config> annotations = annotationBlocks(type, method);
        Map<PolicyKind, Config> declared = withInstrumentBlocks(annotations, type.getName(), method.getName(), config);
        List<ChaosExperiment> chaos = chaosExperiments(type.getName(), method.getName(), method.getParameters().size(), config);
        if (declared.isEmpty() && chaos.isEmpty() && !config.hasMethodEntriesFor(type.getName())) {
            return null;
        }
        SitePolicies policies = config.resolve(type.getName(), method.getName(), declared);
        if (policies.isEmpty() && chaos.isEmpty()) {
            return null;
        }
        policies = withoutMisfitKey(policies, method.getParameters().size());
        if (policies.isEmpty() && chaos.isEmpty()) {
            return null;
        }
        policies = ResultCheckPlanning.withValidChecks(policies, type, method, loader);
        SiblingMethod fallback = null;
        if (policies.has(PolicyKind.FALLBACK)) {
            fallback = findFallback(type, method, policies.spec(PolicyKind.FALLBACK, FallbackSpec.class).method());
            if (fallback == null) {
                policies = policies.without(PolicyKind.FALLBACK);
                if (policies.isEmpty() && chaos.isEmpty()) {
                    return null;
                }
            }
        }
        SiteDefinition site = new SiteDefinition(policies, fallback,
                isAsynchronous(method) ? selfReference(method) : null, annotations, method.getParameters().size())
                .withChaos(chaos);
        ReactiveType reactive = reactiveType(method);
        return reactive == null ? site : site.reactive(reactive);
    }

    /**
     * The chaos experiments that match the method, matched as {@code instrument} entries are; one whose
     * {@code when} names an argument the method does not have is reported and left out for it. Its getters are
     * checked at the first call that evaluates it.
     */
    private static List<ChaosExperiment> chaosExperiments(String className, String methodName, int parameterCount,
                                                          BulwarkConfig config) {
        List<ChaosExperiment> matching = new ArrayList<>();
        for (ChaosExperiment experiment : config.chaos().experiments()) {
            if (!experiment.matches(className, methodName)) {
                continue;
            }
            if (experiment.when() != null && experiment.when().path().argument() >= parameterCount) {
                BulwarkLog.warnOnce("chaos " + experiment.describe() + " " + className + "#" + methodName, "chaos: "
                        + experiment.describe() + " left out for " + className + "#" + methodName + ": its when '"
                        + experiment.when().text() + "' names argument " + experiment.when().path().argument()
                        + " (counted from 0), but the method takes " + parameterCount);
                continue;
            }
            matching.add(experiment);
        }
        return matching;
    }

    /**
     * The first type of the method's signature that its class's loader cannot describe (a library the class was
     * built against but that is not deployed, Reactor for a method returning {@code Mono}, say), or null. Weaving
     * needs each of them, and failing on one would leave the whole class unprotected.
     */
    static String missingType(MethodDescription method) {
        List<TypeDescription> types = new ArrayList<>(method.getParameters().asTypeList().asErasures());
        types.add(method.getReturnType().asErasure());
        for (TypeDescription type : types) {
            TypeDescription element = type;
            while (element.isArray()) {
                element = element.getComponentType();
            }
            if (element.isPrimitive()) {
                continue;
            }
            try {
                element.isInterface();
            } catch (TypePool.Resolution.NoSuchTypeException unresolvable) {
                return element.getName();
            }
        }
        return null;
    }

    /** The reactive type the method returns, by name: nothing of its library is loaded to tell. */
    private static ReactiveType reactiveType(MethodDescription method) {
        return ReactiveType.named(method.getReturnType().asErasure().getName());
    }

    /** A key must name one of the method's arguments; the getter, if any, is checked at the first call. */
    private static SitePolicies withoutMisfitKey(SitePolicies policies, int parameterCount) {
        RateLimiterSpec limiter = policies.spec(PolicyKind.RATE_LIMITER, RateLimiterSpec.class);
        policies = withoutMisfitKey(policies, parameterCount, PolicyKind.RATE_LIMITER, "rate limiter",
                limiter == null ? "" : limiter.key());
        CircuitBreakerSpec breaker = policies.spec(PolicyKind.CIRCUIT_BREAKER, CircuitBreakerSpec.class);
        policies = withoutMisfitKey(policies, parameterCount, PolicyKind.CIRCUIT_BREAKER, "circuit breaker",
                breaker == null ? "" : breaker.key());
        BulkheadSpec bulkhead = policies.spec(PolicyKind.BULKHEAD, BulkheadSpec.class);
        return withoutMisfitKey(policies, parameterCount, PolicyKind.BULKHEAD, "bulkhead",
                bulkhead == null ? "" : bulkhead.key());
    }

    private static SitePolicies withoutMisfitKey(SitePolicies policies, int parameterCount, PolicyKind kind,
                                                 String what, String key) {
        if (key.isEmpty()) {
            return policies;
        }
        int argument = RateKey.parse(key).argumentIndex();
        if (argument < parameterCount) {
            return policies;
        }
        BulwarkLog.error(what + " of " + policies.ownName() + " ignored: key '" + key + "' names argument "
                + argument + " (counted from 0), but the method takes " + parameterCount
                + ". The method runs without that " + what + ".");
        return policies.without(kind);
    }

    /**
     * Exactly CompletionStage or CompletableFuture, whose stand-in is the runtime's own stage; or a reactive type,
     * whose stand-in is a publisher of that type made by its library.
     */
    static boolean isAsynchronous(MethodDescription method) {
        TypeDescription returned = method.getReturnType().asErasure();
        return returned.represents(CompletionStage.class) || returned.represents(CompletableFuture.class)
                || reactiveType(method) != null;
    }

    private static SiblingMethod selfReference(MethodDescription method) {
        return new SiblingMethod(method.getName(), parameterTypeNames(method), null, method.isStatic());
    }

    private static List<String> parameterTypeNames(MethodDescription method) {
        List<String> names = new ArrayList<>();
        for (TypeDescription parameter : method.getParameters().asTypeList().asErasures()) {
            names.add(parameter.getName());
        }
        return names;
    }

    /**
     * The same site resolved against a reloaded config, or {@code site} itself when its policies did not change.
     * The fallback method was looked up when the class was woven, so a reload can keep, drop or re-tune it,
     * but not point it at another method.
     */
    SiteDefinition replan(SiteDefinition site, BulwarkConfig config) {
        SitePolicies current = site.policies();
        String className = current.className();
        String methodName = current.methodName();
        Map<PolicyKind, Config> declared = withInstrumentBlocks(site.annotationBlocks(), className, methodName, config);
        SitePolicies policies = config.resolve(className, methodName, declared);
        if (site.parameterCount() >= 0) {
            policies = withoutMisfitKey(policies, site.parameterCount());
        }
        policies = ResultCheckPlanning.withParsableChecks(policies);
        if (policies.has(PolicyKind.FALLBACK)) {
            String wanted = policies.spec(PolicyKind.FALLBACK, FallbackSpec.class).method();
            SiblingMethod woven = site.fallback();
            if (woven == null || !woven.name().equals(wanted)) {
                BulwarkLog.warn("config reload: the fallback '" + wanted + "' of " + current.ownName()
                        + " takes effect when the class is loaded again; until then it "
                        + (current.has(PolicyKind.FALLBACK) ? "keeps its fallback '" + woven.name() + "'" : "has no fallback"));
                policies = current.has(PolicyKind.FALLBACK)
                        ? policies.with(PolicyKind.FALLBACK, current.spec(PolicyKind.FALLBACK, FallbackSpec.class))
                        : policies.without(PolicyKind.FALLBACK);
            }
        }
        List<ChaosExperiment> chaos = chaosExperiments(className, methodName,
                site.parameterCount() >= 0 ? site.parameterCount() : Integer.MAX_VALUE, config);
        return policies.equals(current) && chaos.equals(site.chaos()) ? site : site.with(policies).withChaos(chaos);
    }

    private Map<PolicyKind, Config> annotationBlocks(TypeDescription type, MethodDescription method) {
        Map<PolicyKind, Config> declared = new EnumMap<>(PolicyKind.class);
        String where = type.getName() + "#" + method.getName();
        for (AnnotationDescription annotation : method.getDeclaredAnnotations()) {
            PolicyKind kind = PolicyKind.ofAnnotation(annotation.getAnnotationType().getName());
            if (kind != null) {
                declared.put(kind, AnnotationBlocks.toConfig(annotation, "@" + annotation.getAnnotationType().getSimpleName() + " on " + where));
            }
        }
        if (method.isPublic()) {
            for (AnnotationDescription annotation : type.getDeclaredAnnotations()) {
                PolicyKind kind = PolicyKind.ofAnnotation(annotation.getAnnotationType().getName());
                if (kind != null && !declared.containsKey(kind)) {
                    declared.put(kind, AnnotationBlocks.toConfig(annotation,
                            "@" + annotation.getAnnotationType().getSimpleName() + " on class " + type.getName()));
                }
            }
        }
        return declared;
    }

    /** The annotations' blocks, with those of every matching {@code instrument} entry below them. */
    private Map<PolicyKind, Config> withInstrumentBlocks(Map<PolicyKind, Config> annotations, String className,
                                                         String methodName, BulwarkConfig config) {
        Map<PolicyKind, Config> declared = new EnumMap<>(PolicyKind.class);
        declared.putAll(annotations);
        for (InstrumentRule rule : config.instrumentRules()) {
            if (rule.matchesClass(className)) {
                matches.classMatched(rule);
                if (rule.matchesMethod(methodName)) {
                    matches.methodMatched(rule);
                    rule.blocks().forEach((kind, block) -> declared.merge(kind, block, Config::withFallback));
                }
            }
        }
        return declared;
    }

    /**
     * Finds {@code name} in the class: the protected method's parameters, optionally plus a trailing
     * Throwable, a return type the caller can take, static if the protected method is. Reports what it
     * expected when there is no such method.
     */
    private static SiblingMethod findFallback(TypeDescription type, MethodDescription method, String name) {
        List<String> parameters = parameterTypeNames(method);
        List<String> rejected = new ArrayList<>();
        for (MethodDescription candidate : type.getDeclaredMethods()) {
            if (!candidate.isMethod() || !candidate.getName().equals(name)) {
                continue;
            }
            String mismatch = mismatch(method, candidate, parameters);
            if (mismatch == null) {
                List<TypeDescription> types = candidate.getParameters().asTypeList().asErasures();
                String failureType = types.size() > parameters.size() ? types.get(types.size() - 1).getName() : null;
                return new SiblingMethod(name, parameters, failureType, candidate.isStatic());
            }
            rejected.add(candidate.toGenericString() + " (" + mismatch + ")");
        }
        BulwarkLog.error("fallback of " + type.getName() + "#" + method.getName() + " ignored: expected a method '" + name
                + "(" + String.join(", ", parameters) + (parameters.isEmpty() ? "[Throwable]" : "[, Throwable]") + ")' returning "
                + method.getReturnType().asErasure().getName() + " in " + type.getName()
                + (method.isStatic() ? ", static" : "")
                + (rejected.isEmpty() ? ", found none" : ", found " + String.join("; ", rejected))
                + ". The method runs without that fallback.");
        return null;
    }

    private static String mismatch(MethodDescription method, MethodDescription candidate, List<String> parameters) {
        List<TypeDescription> types = candidate.getParameters().asTypeList().asErasures();
        boolean withFailure = types.size() == parameters.size() + 1;
        if (types.size() != parameters.size() && !withFailure) {
            return "wrong number of parameters";
        }
        for (int i = 0; i < parameters.size(); i++) {
            if (!types.get(i).getName().equals(parameters.get(i))) {
                return "parameter " + (i + 1) + " is " + types.get(i).getName();
            }
        }
        if (withFailure && !types.get(types.size() - 1).isAssignableTo(Throwable.class)) {
            return "its last parameter is not a Throwable";
        }
        if (method.isStatic() && !candidate.isStatic()) {
            return "it must be static";
        }
        TypeDefinition expected = method.getReturnType().asErasure();
        TypeDescription actual = candidate.getReturnType().asErasure();
        // An asynchronous method's fallback may return the stage's (or publisher's) value instead of a stage.
        boolean assignable = isAsynchronous(method) ? !actual.represents(void.class)
                : expected.represents(void.class) ? actual.represents(void.class)
                : actual.isAssignableTo(expected.asErasure());
        return assignable ? null : "it returns " + actual.getName();
    }
}
