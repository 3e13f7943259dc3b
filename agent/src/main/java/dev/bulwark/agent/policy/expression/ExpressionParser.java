package dev.bulwark.agent.policy.expression;

import dev.bulwark.agent.policy.expression.Condition.Literal;
import dev.bulwark.agent.policy.expression.Condition.Operator;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;

/**
 * Parses the small expression language shared by result predicates, chaos {@code when} and keys:
 * <pre>
 * condition := path operator literal | path "in" "[" literal ("," literal)* "]" | path "in" number ".." number
 * path      := "#result" | "#exception" | "#" digits, then ("." getter)*
 * operator  := "==" | "!=" | "&lt;" | "&lt;=" | "&gt;" | "&gt;="
 * literal   := number | "text" | 'text' | true | false | null
 * </pre>
 * Errors are {@link IllegalArgumentException}s naming the text, the position (from 1) and what was expected,
 * so the caller only has to say where the text was written.
 */
final class ExpressionParser {
    private final String text;
    private final Subject subject;
    private int position;

    ExpressionParser(String text, Subject subject) {
        this.text = text == null ? "" : text;
        this.subject = subject;
    }

    Condition condition() {
        Path path = path();
        skipSpaces();
        Operator operator = operator();
        List<Literal> literals = new ArrayList<>();
        if (operator == Operator.IN_LIST || operator == Operator.IN_RANGE) {
            literals.addAll(operator == Operator.IN_LIST ? list() : range());
        } else {
            literals.add(literal());
        }
        skipSpaces();
        if (position < text.length()) {
            throw error("end of expression");
        }
        return new Condition(text, path, operator, literals);
    }

    /** Parses a bare path ({@code #0.tenant}), for places that take a value rather than a test. */
    Path pathOnly() {
        Path path = path();
        skipSpaces();
        if (position < text.length()) {
            throw error("end of expression");
        }
        return path;
    }

    private Path path() {
        skipSpaces();
        if (!consume("#")) {
            throw error(subject.spelling());
        }
        int argument = -1;
        if (subject == Subject.ARGUMENTS) {
            int start = position;
            while (position < text.length() && Character.isDigit(text.charAt(position))) {
                position++;
            }
            if (start == position || position - start > 9) {
                position = start;
                throw error("an argument index (" + subject.spelling() + ")");
            }
            argument = Integer.parseInt(text.substring(start, position));
        } else {
            String root = subject.spelling().substring(1);
            if (!text.startsWith(root, position) || isIdentifierPart(position + root.length())) {
                throw error(subject.spelling());
            }
            position += root.length();
        }
        List<String> getters = new ArrayList<>();
        while (consume(".")) {
            getters.add(identifier());
        }
        return new Path(subject == Subject.ARGUMENTS ? "argument #" + argument : subject.spelling(), argument,
                getters);
    }

    private String identifier() {
        int start = position;
        if (position < text.length() && Character.isJavaIdentifierStart(text.charAt(position))) {
            position++;
            while (isIdentifierPart(position)) {
                position++;
            }
        }
        if (start == position) {
            throw error("a getter name");
        }
        return text.substring(start, position);
    }

    private boolean isIdentifierPart(int at) {
        return at < text.length() && Character.isJavaIdentifierPart(text.charAt(at));
    }

    private Operator operator() {
        String[] spellings = {"==", "!=", "<=", ">=", "<", ">"};
        Operator[] operators = {Operator.EQ, Operator.NE, Operator.LE, Operator.GE, Operator.LT, Operator.GT};
        for (int i = 0; i < spellings.length; i++) {
            if (consume(spellings[i])) {
                return operators[i];
            }
        }
        if (text.startsWith("in", position) && !isIdentifierPart(position + 2)) {
            position += 2;
            skipSpaces();
            return position < text.length() && text.charAt(position) == '[' ? Operator.IN_LIST : Operator.IN_RANGE;
        }
        throw error("an operator (==, !=, <, <=, >, >=, in)");
    }

    private List<Literal> list() {
        consume("[");
        List<Literal> literals = new ArrayList<>();
        do {
            literals.add(literal());
            skipSpaces();
        } while (consume(","));
        if (!consume("]")) {
            throw error("',' or ']'");
        }
        return literals;
    }

    private List<Literal> range() {
        Literal low = number("a range 'low..high' or a list '[a, b]'");
        skipSpaces();
        if (!consume("..")) {
            throw error("'..'");
        }
        Literal high = number("the range's upper end");
        return List.of(low, high);
    }

    private Literal literal() {
        skipSpaces();
        if (position >= text.length()) {
            throw error("a literal (number, quoted string, true, false, null)");
        }
        char first = text.charAt(position);
        if (first == '"' || first == '\'') {
            return Literal.string(quoted(first));
        }
        for (String word : new String[] {"true", "false", "null"}) {
            if (text.startsWith(word, position) && !isIdentifierPart(position + word.length())) {
                position += word.length();
                return word.equals("null") ? Literal.nullValue() : Literal.bool(word.equals("true"));
            }
        }
        return number("a literal (number, quoted string, true, false, null)");
    }

    private String quoted(char quote) {
        int start = position;
        position++;
        StringBuilder value = new StringBuilder();
        while (position < text.length() && text.charAt(position) != quote) {
            char c = text.charAt(position++);
            if (c == '\\' && position < text.length()) {
                c = text.charAt(position++);
            }
            value.append(c);
        }
        if (position >= text.length()) {
            position = start;
            throw error("a closing " + quote + " for the string");
        }
        position++;
        return value.toString();
    }

    private Literal number(String expected) {
        skipSpaces();
        int start = position;
        if (position < text.length() && (text.charAt(position) == '-' || text.charAt(position) == '+')) {
            position++;
        }
        while (position < text.length() && (Character.isDigit(text.charAt(position))
                || text.charAt(position) == '.' && !text.startsWith("..", position))) {
            position++;
        }
        try {
            return Literal.number(new BigDecimal(text.substring(start, position)));
        } catch (NumberFormatException e) {
            position = start;
            throw error(expected);
        }
    }

    private boolean consume(String token) {
        skipSpaces();
        if (text.startsWith(token, position)) {
            position += token.length();
            return true;
        }
        return false;
    }

    private void skipSpaces() {
        while (position < text.length() && Character.isWhitespace(text.charAt(position))) {
            position++;
        }
    }

    private IllegalArgumentException error(String expected) {
        String found = position < text.length() ? "'" + text.charAt(position) + "'" : "the end";
        return new IllegalArgumentException("expression \"" + text + "\": expected " + expected + " at position "
                + (position + 1) + ", found " + found);
    }
}
