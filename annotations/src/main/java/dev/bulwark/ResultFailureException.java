package dev.bulwark;

/**
 * What a fallback receives when the protected method returned a result judged a failure
 * ({@code retryOnResult}, {@code recordOnResult}) and the fallback applies to results: it carries that result.
 */
public class ResultFailureException extends BulwarkException {
    private static final long serialVersionUID = 1L;

    private final transient Object result;

    /** @param result the last result the protected method returned */
    public ResultFailureException(String policyName, Object result) {
        super(policyName, "the result of '" + policyName + "' was judged a failure");
        this.result = result;
    }

    /** The result judged a failure; null after deserialization, since a result need not be serializable. */
    public Object result() {
        return result;
    }
}
