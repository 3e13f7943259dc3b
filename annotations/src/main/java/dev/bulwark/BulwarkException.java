package dev.bulwark;

/** Base of every exception Bulwark throws in place of the protected method's own outcome. */
public class BulwarkException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final String policyName;

    protected BulwarkException(String policyName, String message) {
        super(message);
        this.policyName = policyName;
    }

    /** The name of the policy that decided: the shared name, or the method's own {@code com.acme.Foo#bar}. */
    public String policyName() {
        return policyName;
    }
}
