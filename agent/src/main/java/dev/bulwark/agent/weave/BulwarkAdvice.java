package dev.bulwark.agent.weave;

import dev.bulwark.BulkheadFullException;
import dev.bulwark.CircuitOpenException;
import dev.bulwark.RateLimitedException;
import dev.bulwark.ResultFailureException;
import dev.bulwark.TimeoutExceededException;
import dev.bulwark.agent.bootstrap.BulwarkBridge;
import dev.bulwark.agent.bootstrap.Invocation;
import net.bytebuddy.asm.Advice;
import net.bytebuddy.implementation.bytecode.assign.Assigner;

import java.time.Duration;

/**
 * The code inlined into every protected method: a trampoline into {@link BulwarkBridge}. Everything it names
 * is in the bootstrap loader (the bridge) or in {@code dev.bulwark} (the exceptions), which every class loader
 * resolves, and the exceptions are created here so the application catches its own view of them.
 *
 * <p>The arguments array and the boxed return value are only read on the rejection, fallback and asynchronous
 * paths, and Byte Buddy creates them where they are read, so a synchronous call that succeeds allocates
 * nothing. An asynchronous method's body is always skipped here: the runtime invokes it itself, as often
 * and on whichever thread its policies need.
 */
final class BulwarkAdvice {
    private BulwarkAdvice() {
    }

    @Advice.OnMethodEnter(skipOn = Advice.OnNonDefaultValue.class)
    static boolean enter(@SiteId int site,
                         @Advice.AllArguments Object[] arguments,
                         @Advice.Local("bulwarkInvocation") Invocation invocation) {
        invocation = BulwarkBridge.enter(site);
        if (invocation == null) {
            return false;
        }
        if (invocation.wantsArguments) {
            return BulwarkBridge.admit(invocation, arguments);
        }
        return invocation.skipBody;
    }

    @Advice.OnMethodExit(onThrowable = Throwable.class, repeatOn = Advice.OnNonDefaultValue.class, backupArguments = false)
    static boolean exit(@Advice.Local("bulwarkInvocation") Invocation invocation,
                        @Advice.Thrown(readOnly = false) Throwable thrown,
                        @Advice.Return(readOnly = false, typing = Assigner.Typing.DYNAMIC) Object returned,
                        @Advice.AllArguments Object[] arguments,
                        @Advice.This(optional = true) Object self,
                        @Advice.Origin Class<?> declaringType) {
        if (invocation == null) {
            return false;
        }
        if (invocation.stateless) {
            invocation = invocation.judgesResult && thrown == null
                    ? BulwarkBridge.endStatelessResult(invocation, returned, declaringType, self)
                    : BulwarkBridge.endStateless(invocation, thrown);
            if (invocation == null) {
                return false;
            }
        }
        if (invocation.asynchronous) {
            Object stage = BulwarkBridge.async(invocation, declaringType, self, arguments);
            if (stage == null) {
                // Bulwark could not take the call: run the skipped body once more, now unprotected.
                invocation = null;
                return true;
            }
            returned = stage;
            return false;
        }
        // Boxes a primitive result only for a site whose checks judge results.
        int verdict = invocation.judgesResult && thrown == null
                ? BulwarkBridge.exitResult(invocation, returned, declaringType, self)
                : BulwarkBridge.exit(invocation, thrown);
        if (verdict == BulwarkBridge.PROCEED) {
            return false;
        }
        if (verdict == BulwarkBridge.REPEAT) {
            return true;
        }
        Throwable failure = thrown;
        int rejection = verdict & BulwarkBridge.REJECTION_MASK;
        if (rejection == BulwarkBridge.CIRCUIT_OPEN) {
            failure = new CircuitOpenException(invocation.rejectingPolicy, Duration.ofNanos(invocation.rejectionRetryAfterNanos));
        } else if (rejection == BulwarkBridge.BULKHEAD_FULL) {
            failure = new BulkheadFullException(invocation.rejectingPolicy);
        } else if (rejection == BulwarkBridge.RATE_LIMITED) {
            failure = new RateLimitedException(invocation.rejectingPolicy, Duration.ofNanos(invocation.rejectionRetryAfterNanos));
        } else if (rejection == BulwarkBridge.TIMED_OUT) {
            failure = new TimeoutExceededException(invocation.rejectingPolicy);
        } else if (rejection == BulwarkBridge.RESULT_FAILED) {
            failure = new ResultFailureException(invocation.rejectingPolicy, returned);
        }
        if ((verdict & BulwarkBridge.ACTION_MASK) == BulwarkBridge.FALLBACK) {
            try {
                returned = BulwarkBridge.fallback(invocation, declaringType, self, arguments, failure);
                thrown = null;
            } catch (Throwable fallbackFailure) {
                thrown = fallbackFailure;
            }
        } else {
            BulwarkBridge.finish(invocation);
            thrown = failure;
        }
        return false;
    }
}
