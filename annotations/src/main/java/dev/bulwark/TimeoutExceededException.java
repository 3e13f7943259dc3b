package dev.bulwark;

/** Thrown when the call ran past its timeout. */
public class TimeoutExceededException extends BulwarkException {
    private static final long serialVersionUID = 1L;

    public TimeoutExceededException(String policyName) {
        super(policyName, "call '" + policyName + "' ran past its timeout");
    }
}
