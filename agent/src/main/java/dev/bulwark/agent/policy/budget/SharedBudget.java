package dev.bulwark.agent.policy.budget;

/** A retry budget kept beyond this JVM and shared by every JVM that uses its name. */
public interface SharedBudget {
    int ALLOWED = 1;
    int REFUSED = 0;
    /** The store could not answer in time, and {@code on-failure = local}: this JVM's own count decides. */
    int UNKNOWN_LOCAL = 2;
    /** The store could not answer in time, and {@code on-failure = allow}. */
    int UNKNOWN_ALLOW = 3;
    /** The store could not answer in time, and {@code on-failure = reject}. */
    int UNKNOWN_REJECT = 4;

    /** Counts a first attempt. Never waits: deposits may reach the store a moment later. */
    void deposit();

    /** Decides a retry: {@link #ALLOWED} (and withdrawn), {@link #REFUSED}, or one of the UNKNOWN verdicts. */
    int tryWithdraw();
}
