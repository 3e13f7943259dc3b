package dev.bulwark.benchmarks.overload;

import dev.bulwark.annotations.Bulkhead;
import dev.bulwark.annotations.BulkheadType;

import java.util.concurrent.CompletableFuture;

/**
 * The rows' protected calls of the downstream, woven by the agent; the adaptive settings and partition shares
 * of each named bulkhead are in benchmarks/overload.conf. Each returns a stage, so the open-loop driver never
 * blocks on a call and the asynchronous driver of the chain admits, rejects and releases.
 */
public final class OverloadService {
    static volatile Downstream downstream;

    private OverloadService() {
    }

    public static CompletableFuture<Long> unprotected(String priority) {
        return downstream.call();
    }

    @Bulkhead(name = "overload-fixed", maxConcurrent = 25)
    public static CompletableFuture<Long> fixed(String priority) {
        return downstream.call();
    }

    @Bulkhead(name = "overload-gradient2", type = BulkheadType.ADAPTIVE)
    public static CompletableFuture<Long> gradient2(String priority) {
        return downstream.call();
    }

    @Bulkhead(name = "overload-vegas", type = BulkheadType.ADAPTIVE)
    public static CompletableFuture<Long> vegas(String priority) {
        return downstream.call();
    }

    @Bulkhead(name = "overload-aimd", type = BulkheadType.ADAPTIVE)
    public static CompletableFuture<Long> aimd(String priority) {
        return downstream.call();
    }

    @Bulkhead(name = "overload-partitioned", type = BulkheadType.ADAPTIVE, partitionBy = "#0")
    public static CompletableFuture<Long> partitioned(String priority) {
        return downstream.call();
    }
}
