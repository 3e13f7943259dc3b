package dev.bulwark.agent.config;

import com.typesafe.config.Config;

import java.util.EnumMap;
import java.util.Map;
import java.util.regex.Pattern;

/** One {@code instrument} entry: a class glob, a method glob, and the policy blocks for matching methods. */
public final class InstrumentRule {
    private final String classGlob;
    private final String methodGlob;
    private final Pattern classPattern;
    private final Pattern methodPattern;
    private final Map<PolicyKind, Config> blocks;
    private final String origin;

    InstrumentRule(String classGlob, String methodGlob, Map<PolicyKind, Config> blocks, String origin) {
        this.classGlob = classGlob;
        this.methodGlob = methodGlob;
        this.classPattern = Pattern.compile(classRegex(classGlob));
        this.methodPattern = Pattern.compile(methodRegex(methodGlob));
        this.blocks = new EnumMap<>(blocks);
        this.origin = origin;
    }

    static boolean isClassGlob(String glob) {
        return glob.matches("[\\p{L}\\p{N}_$.*?]+");
    }

    static boolean isMethodGlob(String glob) {
        return glob.matches("[\\p{L}\\p{N}_$*?<>]+");
    }

    /** {@code **} crosses package segments, {@code *} stays within one. */
    static String classRegex(String glob) {
        StringBuilder regex = new StringBuilder();
        for (int i = 0; i < glob.length(); i++) {
            char c = glob.charAt(i);
            if (c == '*' && i + 1 < glob.length() && glob.charAt(i + 1) == '*') {
                regex.append(".*");
                i++;
            } else if (c == '*') {
                regex.append("[^.]*");
            } else if (c == '?') {
                regex.append("[^.]");
            } else {
                regex.append(Pattern.quote(String.valueOf(c)));
            }
        }
        return regex.toString();
    }

    static String methodRegex(String glob) {
        StringBuilder regex = new StringBuilder();
        for (char c : glob.toCharArray()) {
            if (c == '*') {
                regex.append(".*");
            } else if (c == '?') {
                regex.append('.');
            } else {
                regex.append(Pattern.quote(String.valueOf(c)));
            }
        }
        return regex.toString();
    }

    public boolean matchesClass(String className) {
        return classPattern.matcher(className).matches();
    }

    public boolean matchesMethod(String methodName) {
        return methodPattern.matcher(methodName).matches();
    }

    public String classGlob() {
        return classGlob;
    }

    public String methodGlob() {
        return methodGlob;
    }

    public Map<PolicyKind, Config> blocks() {
        return blocks;
    }

    /** Where the entry was written, for the report of an entry that matched nothing. */
    public String describe() {
        return "instrument entry { class = \"" + classGlob + "\", method = \"" + methodGlob + "\" } at " + origin;
    }
}
