package dev.bulwark.agent.chain;

import dev.bulwark.agent.policy.expression.Condition;
import dev.bulwark.agent.policy.expression.Subject;
import dev.bulwark.agent.runtime.BulwarkLog;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.ref.WeakReference;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;

/**
 * A result predicate ({@code retry-on-result}, {@code record-on-result}): an expression on {@code #result}, or a
 * method taking the result and returning {@code boolean} — {@code "isServerError"} in the protected method's own
 * class, or {@code "com.acme.Checks#isServerError"}, static, in a class its loader sees. Parsed once, when the
 * chain is built. A method is resolved into a method handle at its first test, from the woven class (not yet
 * loaded when it is woven), and kept with that class for the reason {@link SiblingMethod} gives; an expression is
 * resolved for each class of result it meets. Either is then called as a {@link CompiledCheck}.
 *
 * <p>A check that cannot judge a result (a getter missing on the result's class, a method that throws or cannot
 * be found) judges it no failure and says so once: the application's call never fails for our check.
 */
public final class ResultCheck {
    private final String text;
    /** Null for a method reference. */
    private final Condition condition;
    /** The class named before {@code #}, or null for a method of the protected method's own class. */
    private final String ownerName;
    private final String methodName;
    /** How each class is judged: by the protected method's class for a method, by the result's for an expression. */
    private final ClassValue<Judge> judges = new ClassValue<>() {
        @Override
        protected Judge computeValue(Class<?> type) {
            return new Judge(type, condition != null ? compiledCondition(type) : compiledMethod(type));
        }
    };
    /**
     * The judge of the first class met, kept here so that a call with that class skips the {@link ClassValue};
     * weakly, since it holds the class. Written without synchronization: a racing reader only sees the slower way.
     */
    private WeakReference<Judge> first;

    private ResultCheck(String text, Condition condition, String ownerName, String methodName) {
        this.text = text;
        this.condition = condition;
        this.ownerName = ownerName;
        this.methodName = methodName;
    }

    /**
     * @return null for {@code ""} (results are never failures)
     * @throws IllegalArgumentException naming the text, the position (from 1) and what was expected
     */
    public static ResultCheck parse(String text) {
        if (text.isEmpty()) {
            return null;
        }
        if (text.startsWith("#")) {
            return new ResultCheck(text, Condition.parse(text, Subject.RESULT), null, null);
        }
        int hash = text.indexOf('#');
        String owner = hash < 0 ? null : text.substring(0, hash);
        if (owner != null) {
            checkName(text, 0, hash, true);
        }
        checkName(text, hash + 1, text.length(), false);
        return new ResultCheck(text, null, owner, text.substring(hash + 1));
    }

    /** A Java identifier, or a dotted class name, between {@code from} and {@code to}. */
    private static void checkName(String text, int from, int to, boolean dotted) {
        boolean start = true;
        for (int i = from; i < to; i++) {
            char c = text.charAt(i);
            boolean fits = start ? Character.isJavaIdentifierStart(c) : Character.isJavaIdentifierPart(c) || dotted && c == '.';
            if (!fits) {
                throw nameError(text, i, dotted);
            }
            start = dotted && c == '.';
        }
        if (start) {
            throw nameError(text, to, dotted);
        }
    }

    private static IllegalArgumentException nameError(String text, int position, boolean owner) {
        String found = position < text.length() ? "'" + text.charAt(position) + "'" : "the end";
        return new IllegalArgumentException("result check \"" + text + "\": expected " + (owner
                ? "a class name before '#'" : "a method name, \"com.acme.Checks#method\" or an expression on #result")
                + " at position " + (position + 1) + ", found " + found);
    }

    /** The expression, or null for a method reference. */
    public Condition condition() {
        return condition;
    }

    /** The class named before {@code #}, or null for a method of the protected method's own class (or an expression). */
    public String ownerName() {
        return ownerName;
    }

    /** The method's name, or null for an expression. */
    public String methodName() {
        return methodName;
    }

    /**
     * Whether {@code result} is a failure.
     *
     * @param declaringType the protected method's class, where a method reference is resolved
     * @param self          the protected method's instance, null when it is static
     */
    boolean test(Object result, Class<?> declaringType, Object self) {
        try {
            Class<?> judged = condition == null ? declaringType : result == null ? null : result.getClass();
            if (judged == null) {
                return condition.test(null, null);
            }
            WeakReference<Judge> cached = first;
            Judge judge = cached == null ? null : cached.get();
            if (judge == null || judge.type != judged) {
                judge = judgeOf(judged);
            }
            return judge.check.test(self, result);
        } catch (Throwable e) {
            BulwarkLog.warnOnce("result check " + text + " " + (result == null ? "null" : result.getClass().getName()),
                    "result check '" + text + "' cannot judge a result of "
                            + (result == null ? "null" : result.getClass().getName()) + " (" + e
                            + "); it counts as no failure");
            return false;
        }
    }

    private Judge judgeOf(Class<?> type) {
        Judge judge = judges.get(type);
        WeakReference<Judge> cached = first;
        if (cached == null || cached.get() == null) {
            first = new WeakReference<>(judge);
        }
        return judge;
    }

    /**
     * The expression on results of exactly {@code resultType}, its getters resolved once; the generic path,
     * which resolves them per class met, when they cannot all be resolved in advance.
     */
    private CompiledCheck compiledCondition(Class<?> resultType) {
        Condition generic = condition;
        MethodHandle compiled;
        try {
            compiled = generic.compiledFor(resultType);
        } catch (RuntimeException e) {
            // The generic path judges instead, and reports what it meets.
            compiled = null;
        }
        return compiled == null ? (self, result) -> generic.test(result, null)
                : CompiledCheck.of(MethodHandles.dropArguments(compiled, 0, Object.class));
    }

    /** The method, resolved from the protected method's class; a check judging nothing a failure when it cannot be. */
    private CompiledCheck compiledMethod(Class<?> declaringType) {
        try {
            return CompiledCheck.of(resolve(declaringType));
        } catch (ReflectiveOperationException | RuntimeException e) {
            BulwarkLog.errorOnce("result check " + text + " " + declaringType.getName(), "result check '" + text
                    + "' of " + declaringType.getName() + " cannot be called (" + e
                    + "); it judges no result a failure", e);
            return (self, result) -> false;
        }
    }

    /** How results are judged for one class. */
    private static final class Judge {
        final Class<?> type;
        final CompiledCheck check;

        Judge(Class<?> type, CompiledCheck check) {
            this.type = type;
            this.check = check;
        }
    }

    /** A handle taking (self, result), self ignored by a static method. */
    private MethodHandle resolve(Class<?> declaringType) throws ReflectiveOperationException {
        Class<?> owner = ownerName == null ? declaringType : Class.forName(ownerName, false, declaringType.getClassLoader());
        Method method = find(owner);
        MethodHandle handle = MethodHandles.privateLookupIn(owner, MethodHandles.lookup()).unreflect(method);
        if (Modifier.isStatic(method.getModifiers())) {
            handle = MethodHandles.dropArguments(handle, 0, Object.class);
        }
        return handle.asType(CompiledCheck.SELF_AND_RESULT);
    }

    private Method find(Class<?> owner) throws NoSuchMethodException {
        for (Method candidate : owner.getDeclaredMethods()) {
            if (candidate.getName().equals(methodName) && candidate.getParameterCount() == 1
                    && candidate.getReturnType() == boolean.class
                    && (ownerName == null || Modifier.isStatic(candidate.getModifiers()))) {
                return candidate;
            }
        }
        throw new NoSuchMethodException("boolean " + owner.getName() + "#" + methodName + "(result)");
    }

    @Override
    public String toString() {
        return text;
    }
}
