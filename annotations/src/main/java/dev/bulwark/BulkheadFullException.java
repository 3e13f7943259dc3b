package dev.bulwark;

/** Thrown when the bulkhead has no free slot within its maximum wait. */
public class BulkheadFullException extends BulwarkException {
    private static final long serialVersionUID = 1L;

    public BulkheadFullException(String policyName) {
        super(policyName, "bulkhead '" + policyName + "' is full");
    }
}
