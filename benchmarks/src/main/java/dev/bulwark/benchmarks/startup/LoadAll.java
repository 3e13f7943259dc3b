package dev.bulwark.benchmarks.startup;

import java.lang.reflect.Method;

/**
 * The application of the start-up benchmark, copied into the generated jar: loads, initialises and calls
 * {@code value(int)} of classes {@code <prefix>00000} to {@code <prefix><count-1>}. JDK types only.
 */
public final class LoadAll {
    private LoadAll() {
    }

    public static void main(String[] args) throws Exception {
        String prefix = args[0];
        int count = Integer.parseInt(args[1]);
        ClassLoader loader = LoadAll.class.getClassLoader();
        long sum = 0;
        for (int i = 0; i < count; i++) {
            Class<?> type = Class.forName(prefix + String.format("%05d", i), true, loader);
            Method value = type.getMethod("value", int.class);
            sum += (Integer) value.invoke(null, 1);
        }
        System.out.println("loaded " + count + " classes, checksum " + sum);
    }
}
