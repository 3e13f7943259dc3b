package dev.bulwark.sample.legacy;

/** The demo's part for {@link LegacyPriceClient}: what a config file alone does for code without annotations. */
public final class LegacyDemo {
    private LegacyDemo() {
    }

    public static void print() {
        LegacyPriceClient prices = new LegacyPriceClient();
        System.out.println();
        System.out.println("LegacyPriceClient has no annotations; the instrument entry in bulwark.conf protects it:");
        for (String sku : new String[] {"pear", "fig"}) {
            String outcome;
            try {
                outcome = prices.fetchPrice(sku);
            } catch (RuntimeException e) {
                outcome = "failed: " + e.getMessage();
            }
            System.out.printf("  %-5s backend calls %d  %s%n", sku, prices.backendCalls(sku), outcome);
        }
        System.out.println("With the config, pear is retried past two dropped calls and fig answers from the cache;"
                + " without it, both fail.");
        retryStorm();
    }

    /**
     * An outage with every call retried up to four times would hit the backend four times as hard; the budget
     * lets about one call in ten retry.
     */
    private static void retryStorm() {
        InventoryFeed feed = new InventoryFeed();
        int polls = 200;
        int failed = 0;
        for (int i = 0; i < polls; i++) {
            if (feed.poll("pear").getStatus() >= 500) {
                failed++;
            }
        }
        int retries = feed.backendCalls() - polls;
        System.out.println();
        System.out.println("InventoryFeed answers 503 while its backend is down; the config retries it on that status:");
        System.out.printf("  %d polls, %d failed, backend hit %d times: %d retries instead of %d, held back by the"
                + " retry budget%n", polls, failed, feed.backendCalls(), retries, polls * 3);
    }
}
