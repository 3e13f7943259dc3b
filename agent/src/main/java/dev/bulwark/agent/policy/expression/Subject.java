package dev.bulwark.agent.policy.expression;

/** What an expression may start from: the roots a place that takes expressions offers. */
public enum Subject {
    /** {@code #result}: the protected method's return value (result predicates). */
    RESULT("#result"),
    /** {@code #exception}: the failure being judged (a retry's {@code delay-from}). */
    EXCEPTION("#exception"),
    /** {@code #0}, {@code #1}…: the protected method's arguments (chaos {@code when}, keys). */
    ARGUMENTS("#0, #1, …");

    private final String spelling;

    Subject(String spelling) {
        this.spelling = spelling;
    }

    String spelling() {
        return spelling;
    }
}
