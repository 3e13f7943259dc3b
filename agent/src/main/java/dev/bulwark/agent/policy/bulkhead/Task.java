package dev.bulwark.agent.policy.bulkhead;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.BiConsumer;
import java.util.function.Supplier;

/** A body waiting for a worker of a {@link ThreadPoolBulkhead}, and the future its caller holds. */
final class Task<T> implements BiConsumer<T, Throwable> {
    private final Supplier<? extends CompletionStage<T>> body;
    private final CompletableFuture<T> result;

    Task(Supplier<? extends CompletionStage<T>> body, CompletableFuture<T> result) {
        this.body = body;
        this.result = result;
    }

    void run() {
        if (result.isDone()) {
            return;
        }
        try {
            CompletionStage<T> stage = body.get();
            if (stage == null) {
                result.completeExceptionally(new NullPointerException("the body returned no CompletionStage"));
            } else {
                stage.whenComplete(this);
            }
        } catch (Throwable failure) {
            result.completeExceptionally(failure);
        }
    }

    @Override
    public void accept(T value, Throwable failure) {
        if (failure != null) {
            result.completeExceptionally(failure);
        } else {
            result.complete(value);
        }
    }
}
