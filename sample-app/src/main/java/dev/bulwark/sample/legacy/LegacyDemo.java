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
    }
}
