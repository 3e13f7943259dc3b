package dev.bulwark.agent.weave;

import dev.bulwark.agent.chain.ResultCheck;
import dev.bulwark.agent.config.PolicyKind;
import dev.bulwark.agent.config.SitePolicies;
import dev.bulwark.agent.policy.circuitbreaker.CircuitBreakerSpec;
import dev.bulwark.agent.policy.retry.RetrySpec;
import dev.bulwark.agent.runtime.BulwarkLog;
import net.bytebuddy.description.method.MethodDescription;
import net.bytebuddy.description.type.TypeDefinition;
import net.bytebuddy.description.type.TypeDescription;
import net.bytebuddy.dynamic.ClassFileLocator;
import net.bytebuddy.pool.TypePool;

import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Checks a protected method's result predicates ({@code retry-on-result}, {@code record-on-result}) when it is
 * woven: the text parses, an expression's first getter exists on the declared result type, a method reference
 * names a method taking that result and returning {@code boolean}. A check that fails is reported in one line
 * naming the method, the text and the position, and dropped; the method keeps its other policies.
 */
final class ResultCheckPlanning {
    private ResultCheckPlanning() {
    }

    /** At weave time, against the class file: {@code loader} finds the class a method reference names. */
    static SitePolicies withValidChecks(SitePolicies policies, TypeDescription type, MethodDescription method,
                                        ClassLoader loader) {
        String where = type.getName() + "#" + method.getName();
        return dropInvalid(policies, where, text -> problem(text, type, method, loader));
    }

    /** On a config reload, when only the text can be checked; a method reference is checked at its first use. */
    static SitePolicies withParsableChecks(SitePolicies policies) {
        return dropInvalid(policies, policies.ownName(), text -> {
            ResultCheck.parse(text);
            return null;
        });
    }

    private interface Checker {
        /** Null when the check is good, else what is wrong with it, with the position; may throw for a syntax error. */
        String problem(String text);
    }

    private static SitePolicies dropInvalid(SitePolicies policies, String where, Checker checker) {
        RetrySpec retry = policies.spec(PolicyKind.RETRY, RetrySpec.class);
        if (retry != null && !retry.retryOnResult().isEmpty()
                && !valid("retry-on-result", retry.retryOnResult(), where, checker)) {
            policies = policies.with(PolicyKind.RETRY, retry.toBuilder().retryOnResult("").build());
        }
        CircuitBreakerSpec breaker = policies.spec(PolicyKind.CIRCUIT_BREAKER, CircuitBreakerSpec.class);
        if (breaker != null && !breaker.recordOnResult().isEmpty()
                && !valid("record-on-result", breaker.recordOnResult(), where, checker)) {
            policies = policies.with(PolicyKind.CIRCUIT_BREAKER, breaker.toBuilder().recordOnResult("").build());
        }
        return policies;
    }

    private static boolean valid(String key, String text, String where, Checker checker) {
        String problem;
        try {
            problem = checker.problem(text);
        } catch (IllegalArgumentException e) {
            problem = e.getMessage();
        }
        if (problem == null) {
            return true;
        }
        BulwarkLog.error(key + " of " + where + " ignored: " + problem + ". The method runs without that check.");
        return false;
    }

    private static String problem(String text, TypeDescription type, MethodDescription method, ClassLoader loader) {
        ResultCheck check = ResultCheck.parse(text);
        TypeDescription value = valueType(method);
        if (value != null && value.represents(void.class)) {
            return "result check \"" + text + "\": the method returns void, there is no result to judge";
        }
        try {
            return check.condition() != null ? getterProblem(text, check.condition().path().getters(), value)
                    : methodProblem(text, check, type, method, value, loader);
        } catch (RuntimeException unresolvable) {
            // A type the class file names but its loader cannot describe: left to the first call to find out.
            return null;
        }
    }

    /** The declared type of what the checks judge: the return type, or a stage's value type; null when unknown. */
    private static TypeDescription valueType(MethodDescription method) {
        TypeDescription.Generic returned = method.getReturnType();
        if (!SitePlanner.isAsynchronous(method)) {
            return returned.asErasure();
        }
        if (returned.getSort() != TypeDefinition.Sort.PARAMETERIZED || returned.getTypeArguments().size() != 1) {
            return null;
        }
        TypeDescription.Generic argument = returned.getTypeArguments().get(0);
        boolean concrete = argument.getSort() == TypeDefinition.Sort.NON_GENERIC
                || argument.getSort() == TypeDefinition.Sort.PARAMETERIZED;
        return concrete ? argument.asErasure() : null;
    }

    private static String getterProblem(String text, List<String> getters, TypeDescription value) {
        if (getters.isEmpty() || value == null || value.represents(Object.class)) {
            return null;
        }
        String name = getters.get(0);
        if (hasGetter(value, name, new HashSet<>())) {
            return null;
        }
        return "expression \"" + text + "\": " + value.getName() + " has no public getter '" + name + "' (" + name
                + "(), get" + capitalized(name) + "(), is" + capitalized(name) + "()) at position "
                + (text.indexOf("." + name) + 2);
    }

    private static boolean hasGetter(TypeDefinition type, String name, Set<String> seen) {
        if (type == null || !seen.add(type.getTypeName())) {
            return false;
        }
        TypeDescription erasure = type.asErasure();
        if (erasure.isPrimitive()) {
            return false;
        }
        for (MethodDescription candidate : erasure.getDeclaredMethods()) {
            if (candidate.isPublic() && !candidate.isStatic() && candidate.getParameters().isEmpty()
                    && !candidate.getReturnType().represents(void.class)
                    && (candidate.getName().equals(name) || candidate.getName().equals("get" + capitalized(name))
                    || candidate.getName().equals("is" + capitalized(name)))) {
                return true;
            }
        }
        if (hasGetter(erasure.getSuperClass(), name, seen)) {
            return true;
        }
        for (TypeDescription.Generic implemented : erasure.getInterfaces()) {
            if (hasGetter(implemented, name, seen)) {
                return true;
            }
        }
        return false;
    }

    private static String methodProblem(String text, ResultCheck check, TypeDescription type, MethodDescription method,
                                        TypeDescription value, ClassLoader loader) {
        TypeDescription owner = type;
        boolean mustBeStatic = method.isStatic();
        if (check.ownerName() != null) {
            TypePool.Resolution found = TypePool.Default.of(loader == null ? ClassFileLocator.ForClassLoader.ofBootLoader()
                    : ClassFileLocator.ForClassLoader.of(loader)).describe(check.ownerName());
            if (!found.isResolved()) {
                return "result check \"" + text + "\": class " + check.ownerName()
                        + " is not visible to the class loader of " + type.getName() + " at position 1";
            }
            owner = found.resolve();
            mustBeStatic = true;
        }
        for (MethodDescription candidate : owner.getDeclaredMethods()) {
            if (candidate.isMethod() && candidate.getName().equals(check.methodName())
                    && candidate.getParameters().size() == 1 && candidate.getReturnType().represents(boolean.class)
                    && (!mustBeStatic || candidate.isStatic())
                    && (value == null || value.asBoxed().isAssignableTo(
                            candidate.getParameters().get(0).getType().asErasure().asBoxed()))) {
                return null;
            }
        }
        return "result check \"" + text + "\": expected a" + (mustBeStatic ? " static" : "") + " method 'boolean "
                + check.methodName() + "(" + (value == null ? "result" : value.getName()) + ")' in " + owner.getName()
                + ", found none at position " + (text.indexOf('#') + 2);
    }

    private static String capitalized(String name) {
        return Character.toUpperCase(name.charAt(0)) + name.substring(1);
    }
}
