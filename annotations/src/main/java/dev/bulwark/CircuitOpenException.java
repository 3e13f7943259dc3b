package dev.bulwark;

/** Thrown when the circuit breaker is open, or half-open with all its trial calls taken. */
public class CircuitOpenException extends BulwarkException {
    private static final long serialVersionUID = 1L;

    public CircuitOpenException(String policyName) {
        super(policyName, "circuit breaker '" + policyName + "' is open");
    }
}
