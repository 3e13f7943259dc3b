package dev.bulwark.agent.policy.expression;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.math.BigDecimal;
import java.util.List;

/**
 * A parsed {@code path op literal} test. Parsed once, when a method is woven; testing it applies the path's
 * getters and compares, without parsing, boxing of the literal, or allocation beyond what the getters return.
 *
 * <p>Comparison rules: a number (any {@link Number} or {@link Character}) compares with a number literal by value
 * (exactly for integral values, else as {@code double}); a {@link CharSequence} or an enum constant (by name)
 * with a string literal, ordering by {@link String#compareTo}; a {@link Boolean} with {@code true}/{@code false};
 * anything with {@code null} for {@code ==}/{@code !=}. A value of any other kind, or of the wrong kind for the
 * literal, is unequal to it and neither less nor greater, so such a test is false except for {@code !=}.
 */
public final class Condition {
    enum Operator { EQ, NE, LT, LE, GT, GE, IN_LIST, IN_RANGE }

    private static final MethodHandle PASSES;

    static {
        try {
            PASSES = MethodHandles.lookup().findVirtual(Condition.class, "passes",
                    MethodType.methodType(boolean.class, Object.class));
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final String text;
    private final Path path;
    private final Operator operator;
    /** One literal, or the list's elements, or the range's two ends. */
    private final Literal[] literals;

    Condition(String text, Path path, Operator operator, List<Literal> literals) {
        this.text = text;
        this.path = path;
        this.operator = operator;
        this.literals = literals.toArray(new Literal[0]);
    }

    /** Parses {@code text}; see {@link ExpressionParser} for the grammar and the errors. */
    public static Condition parse(String text, Subject subject) {
        return new ExpressionParser(text, subject).condition();
    }

    /** Parses a bare path such as {@code #0.tenant} or {@code #exception.retryAfter}. */
    public static Path parsePath(String text, Subject subject) {
        return new ExpressionParser(text, subject).pathOnly();
    }

    public Path path() {
        return path;
    }

    public String text() {
        return text;
    }

    /**
     * Whether the value at the end of the path passes.
     *
     * @param value     the judged value ({@code #result}); ignored for an argument path
     * @param arguments the protected method's arguments; ignored for a result path
     * @throws RuntimeException when a getter is missing on the value's class or throws
     */
    public boolean test(Object value, Object[] arguments) {
        return passes(path.valueOf(value, arguments));
    }

    /**
     * This test on values of exactly {@code rootType}, as a handle taking the value and answering whether it passes:
     * the path's getters resolved once, for the JIT to inline where the handle is a constant. Null when a getter
     * cannot be resolved in advance (see {@link Path#compiledFor}); {@link #test} then judges, as for any other class.
     */
    public MethodHandle compiledFor(Class<?> rootType) {
        MethodHandle value = path.compiledFor(rootType);
        return value == null ? null : MethodHandles.filterReturnValue(value, PASSES.bindTo(this));
    }

    private boolean passes(Object found) {
        switch (operator) {
            case EQ:
                return literals[0].compare(found) == Literal.EQUAL;
            case NE:
                return literals[0].compare(found) != Literal.EQUAL;
            case LT:
                return literals[0].compare(found) == Literal.LESS;
            case LE:
                return atMost(literals[0].compare(found));
            case GT:
                return literals[0].compare(found) == Literal.GREATER;
            case GE:
                return atLeast(literals[0].compare(found));
            case IN_LIST:
                for (Literal literal : literals) {
                    if (literal.compare(found) == Literal.EQUAL) {
                        return true;
                    }
                }
                return false;
            default:
                return atLeast(literals[0].compare(found)) && atMost(literals[1].compare(found));
        }
    }

    private static boolean atMost(int comparison) {
        return comparison == Literal.LESS || comparison == Literal.EQUAL;
    }

    private static boolean atLeast(int comparison) {
        return comparison == Literal.GREATER || comparison == Literal.EQUAL;
    }

    @Override
    public String toString() {
        return text;
    }

    /** A literal of the expression, comparing a value against itself. */
    static final class Literal {
        /** The value is less than the literal. */
        static final int LESS = -1;
        static final int EQUAL = 0;
        /** The value is greater than the literal. */
        static final int GREATER = 1;
        /** The value cannot be compared with the literal (other kind, or null against a non-null literal). */
        static final int UNORDERED = 2;

        private enum Kind { NUMBER, STRING, BOOLEAN, NULL }

        private final Kind kind;
        private final String string;
        private final boolean bool;
        private final boolean integral;
        private final long longValue;
        private final double doubleValue;

        private Literal(Kind kind, String string, boolean bool, BigDecimal number) {
            this.kind = kind;
            this.string = string;
            this.bool = bool;
            this.integral = number != null && isLong(number);
            this.longValue = integral ? number.longValueExact() : 0;
            this.doubleValue = number == null ? 0 : number.doubleValue();
        }

        static Literal number(BigDecimal value) {
            return new Literal(Kind.NUMBER, null, false, value);
        }

        static Literal string(String value) {
            return new Literal(Kind.STRING, value, false, null);
        }

        static Literal bool(boolean value) {
            return new Literal(Kind.BOOLEAN, null, value, null);
        }

        static Literal nullValue() {
            return new Literal(Kind.NULL, null, false, null);
        }

        boolean isNumber() {
            return kind == Kind.NUMBER;
        }

        private static boolean isLong(BigDecimal number) {
            try {
                number.longValueExact();
                return true;
            } catch (ArithmeticException e) {
                return false;
            }
        }

        /** How {@code value} stands to this literal: {@link #LESS}, {@link #EQUAL}, {@link #GREATER} or {@link #UNORDERED}. */
        int compare(Object value) {
            if (kind == Kind.NULL || value == null) {
                return kind == Kind.NULL && value == null ? EQUAL : UNORDERED;
            }
            switch (kind) {
                case NUMBER:
                    return compareNumber(value);
                case STRING:
                    String text = value instanceof CharSequence ? value.toString()
                            : value instanceof Enum ? ((Enum<?>) value).name() : null;
                    return text == null ? UNORDERED : Integer.signum(text.compareTo(string));
                default:
                    return value instanceof Boolean && (Boolean) value == bool ? EQUAL : UNORDERED;
            }
        }

        private int compareNumber(Object value) {
            if (value instanceof Character) {
                return compareNumber((int) (Character) value);
            }
            if (!(value instanceof Number)) {
                return UNORDERED;
            }
            if (integral && (value instanceof Long || value instanceof Integer || value instanceof Short
                    || value instanceof Byte)) {
                return Long.compare(((Number) value).longValue(), longValue);
            }
            double number = ((Number) value).doubleValue();
            return number < doubleValue ? LESS : number > doubleValue ? GREATER : number == doubleValue ? EQUAL : UNORDERED;
        }
    }
}
