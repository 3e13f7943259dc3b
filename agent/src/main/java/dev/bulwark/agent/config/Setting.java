package dev.bulwark.agent.config;

/** One effective key of a method's policy: its value and the layer of the config that wrote it. */
public final class Setting {
    /** A {@code methods} entry. */
    public static final String METHODS = "methods";
    /** The method's annotations, or the {@code instrument} entry that matched it. */
    public static final String DECLARED = "declared";
    /** The {@code policies} entry of the policy's name. */
    public static final String POLICIES = "policies";
    /** The user's {@code defaults} block. */
    public static final String DEFAULTS = "defaults";
    /** reference.conf. */
    public static final String BUILT_IN = "built-in";

    private final Object value;
    private final String source;

    Setting(Object value, String source) {
        this.value = value;
        this.source = source;
    }

    /** As HOCON gives it: a String, Number, Boolean or List. */
    public Object value() {
        return value;
    }

    public String source() {
        return source;
    }

    @Override
    public String toString() {
        return value + " (" + source + ")";
    }
}
