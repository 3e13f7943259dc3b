package dev.bulwark.sample;

import dev.bulwark.BulkheadFullException;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Overload absorbed: checkout traffic alone for a second (the adaptive limit learns the processor's usual
 * latency), then a flood of batch settlements on top of it. Prints per partition what was served and shed, how
 * many calls reached the processor at once, and the bulkhead's limit as the sample's metrics endpoint reports it.
 */
final class OverloadDemo {
    private static final int CHECKOUT_CALLERS = 2;
    private static final int BATCH_CALLERS = 12;
    private static final long CHECKOUT_ALONE_MILLIS = 1_000;
    private static final long FLOOD_MILLIS = 2_000;
    /** The processor's concurrency is read over this long at the flood's start and at its end. */
    private static final long EDGE_MILLIS = 500;
    /** A batch job pauses this long after a refusal rather than hammer the bulkhead. */
    private static final long BACK_OFF_MILLIS = 5;
    private static final Pattern LIMIT = Pattern.compile(
            "(?m)^bulwark_bulkhead_limit\\{[^}]*bulwark_name=\"payments\"[^}]*} (\\d+)");

    private final PaymentService payments = new PaymentService();
    private final AtomicBoolean stop = new AtomicBoolean();

    private OverloadDemo() {
    }

    static void print() throws InterruptedException {
        System.out.println();
        System.out.println("== @Bulkhead(type = ADAPTIVE, partitionBy = \"#0\"): " + BATCH_CALLERS + " batch callers flood"
                + " payments while " + CHECKOUT_CALLERS + " checkout callers pay, against a processor of "
                + PaymentService.WORKERS + " workers");
        new OverloadDemo().run();
    }

    private void run() throws InterruptedException {
        Tally checkout = new Tally();
        Tally batch = new Tally();
        List<Thread> callers = new ArrayList<>();
        for (int i = 0; i < CHECKOUT_CALLERS; i++) {
            callers.add(caller("checkout", checkout));
        }
        Thread.sleep(CHECKOUT_ALONE_MILLIS);
        String limitBefore = limit();
        for (int i = 0; i < BATCH_CALLERS; i++) {
            callers.add(caller("batch", batch));
        }
        int atStart = highWater(EDGE_MILLIS);
        Thread.sleep(FLOOD_MILLIS - 2 * EDGE_MILLIS);
        int atEnd = highWater(EDGE_MILLIS);
        String limitAtEnd = limit();
        stop.set(true);
        for (Thread caller : callers) {
            caller.join();
        }
        System.out.printf("checkout %6d calls, %6d served (%d %%)%n", checkout.calls(), checkout.served.get(),
                100 * checkout.served.get() / Math.max(1, checkout.calls()));
        System.out.printf("batch    %6d calls, %6d served, %d shed%n", batch.calls(), batch.served.get(), batch.shed.get());
        System.out.printf("at the processor at once: up to %d as the flood began, up to %d at its end%n", atStart, atEnd);
        System.out.printf("the bulkhead's limit (bulwark_bulkhead_limit): %s before the flood, %s at its end%n",
                limitBefore, limitAtEnd);
        System.out.println("Batch past its share is shed at once while checkout keeps its slots, and the limit follows the"
                + " processor's latency; without the agent nothing is shed and every call queues behind the flood.");
    }

    private Thread caller(String priority, Tally tally) {
        Thread thread = new Thread(() -> {
            while (!stop.get()) {
                try {
                    payments.charge(priority);
                    tally.served.incrementAndGet();
                } catch (BulkheadFullException shed) {
                    tally.shed.incrementAndGet();
                    backOff();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }, priority + "-caller");
        thread.setDaemon(true);
        thread.start();
        return thread;
    }

    private static void backOff() {
        try {
            Thread.sleep(BACK_OFF_MILLIS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** The most calls at the processor at once over the next {@code millis}. */
    private int highWater(long millis) throws InterruptedException {
        payments.takeHighWater();
        Thread.sleep(millis);
        return payments.takeHighWater();
    }

    /** The payments bulkhead's limit as a scrape of the sample's own metrics endpoint shows it. */
    private static String limit() {
        String url = Telemetry.metricsUrl();
        if (url == null) {
            return "(no metrics endpoint)";
        }
        try {
            HttpResponse<String> scrape = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(url))
                    .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
            Matcher limit = LIMIT.matcher(scrape.body());
            return limit.find() ? limit.group(1) : "(not reported)";
        } catch (IOException e) {
            return "(scrape failed: " + e.getMessage() + ")";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "(interrupted)";
        }
    }

    private static final class Tally {
        final AtomicInteger served = new AtomicInteger();
        final AtomicInteger shed = new AtomicInteger();

        int calls() {
            return served.get() + shed.get();
        }
    }
}
