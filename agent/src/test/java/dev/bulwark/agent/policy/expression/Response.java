package dev.bulwark.agent.policy.expression;

/** A result shaped like an HTTP client's response, for checks written against its getters. */
public final class Response {
    private final int status;
    private final String body;

    public Response(int status, String body) {
        this.status = status;
        this.body = body;
    }

    public int getStatus() {
        return status;
    }

    public String body() {
        return body;
    }

    public boolean isOk() {
        return status < 400;
    }

    public Response self() {
        return this;
    }

    /** Itself, behind a return type that is not final, so a check reading on through it must look at the value. */
    public Object next() {
        return this;
    }
}
