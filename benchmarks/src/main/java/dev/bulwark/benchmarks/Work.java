package dev.bulwark.benchmarks;

/**
 * The protected body every benchmark calls: tiny but not constant (a masked table look-up keyed by a counter the
 * caller advances), returning a reference so that no side boxes a result. Its result always reaches a Blackhole.
 */
public final class Work {
    private static final String[] VALUES = new String[16];

    static {
        for (int i = 0; i < VALUES.length; i++) {
            VALUES[i] = "value-" + i;
        }
    }

    private Work() {
    }

    public static String work(int i) {
        return VALUES[i & 15];
    }
}
