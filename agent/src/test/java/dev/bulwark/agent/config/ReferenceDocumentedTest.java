package dev.bulwark.agent.config;

import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigObject;
import com.typesafe.config.ConfigRenderOptions;
import com.typesafe.config.ConfigUtil;
import com.typesafe.config.ConfigValue;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every key of {@code reference.conf} is documented in the configuration reference, docs/configuration.md, with
 * the default {@code reference.conf} gives it: a key of a {@code defaults} block as a row of the table under that
 * block's heading (by its path inside the block), any other key as a row of its full path.
 */
class ReferenceDocumentedTest {
    private static final Path REFERENCE = Paths.get("..", "docs", "configuration.md");

    @Test
    void everyKeyOfReferenceConfHasARowInTheReference() throws IOException {
        String reference = configReference();
        List<String> undocumented = new ArrayList<>();
        for (String path : referenceConf().keySet()) {
            if (row(reference, path) == null) {
                undocumented.add(path);
            }
        }
        assertThat(undocumented).as("keys of reference.conf without a row in docs/configuration.md").isEmpty();
    }

    @Test
    void everyRowGivesTheDefaultOfReferenceConf() throws IOException {
        String reference = configReference();
        Map<String, String> wrong = new LinkedHashMap<>();
        for (Map.Entry<String, ConfigValue> key : referenceConf().entrySet()) {
            String[] cells = row(reference, key.getKey());
            if (cells == null) {
                continue;
            }
            String documented = cells[2].replace("`", "").trim();
            if (!documents(documented, key.getValue())) {
                wrong.put(key.getKey(), "documented " + documented + ", reference.conf says "
                        + key.getValue().render(ConfigRenderOptions.concise()));
            }
        }
        assertThat(wrong).as("defaults in docs/configuration.md that differ from reference.conf").isEmpty();
    }

    @Test
    void everyPolicyBlockHasItsOwnTable() throws IOException {
        String reference = configReference();
        for (PolicyKind kind : PolicyKind.values()) {
            assertThat(section(reference, "### `" + kind.configKey() + "`")).contains("| `");
        }
    }

    private static String configReference() throws IOException {
        assertThat(REFERENCE).as("the configuration reference").exists();
        return new String(Files.readAllBytes(REFERENCE), StandardCharsets.UTF_8);
    }

    /** The leaf keys of reference.conf's {@code bulwark} block, by path below it. */
    private Map<String, ConfigValue> referenceConf() {
        ConfigObject bulwark = ConfigFactory.parseResources(getClass().getClassLoader(), "reference.conf").getObject("bulwark");
        Map<String, ConfigValue> leaves = new LinkedHashMap<>();
        collectLeaves(bulwark, "", leaves);
        return leaves;
    }

    /**
     * The cells of the table row documenting {@code path} (key, type, default, meaning), or null: a key of a
     * {@code defaults} block in the table under its block's heading, any other key by its full path.
     */
    private static String[] row(String reference, String path) {
        List<String> segments = ConfigUtil.splitPath(path);
        boolean policyKey = segments.size() >= 3 && segments.get(0).equals("defaults");
        String text = policyKey ? section(reference, "### `" + segments.get(1) + "`") : reference;
        // A key of a block inside a policy block (timeout's adaptive.enabled) by its path inside the policy block.
        String key = policyKey ? String.join(".", segments.subList(2, segments.size())) : "bulwark." + path;
        for (String line : text.split("\n")) {
            if (line.startsWith("| `" + key + "` |")) {
                return line.substring(2, line.length() - 2).split(" \\| ", -1);
            }
        }
        return null;
    }

    /**
     * Whether a default column, backticks left out, writes {@code value}: a number as the same number
     * ({@code 2.0} for 2), a string unquoted (an empty one as {@code ""}), anything else as HOCON renders it.
     */
    private static boolean documents(String documented, ConfigValue value) {
        switch (value.valueType()) {
            case NUMBER:
                return documented.matches("-?[0-9]+(\\.[0-9]+)?")
                        && Double.parseDouble(documented) == ((Number) value.unwrapped()).doubleValue();
            case STRING:
                String plain = (String) value.unwrapped();
                return documented.equals(plain.isEmpty() ? "\"\"" : plain);
            default:
                return documented.equals(value.render(ConfigRenderOptions.concise()));
        }
    }

    /** The text from {@code heading} to the next heading, or empty when there is no such heading. */
    private static String section(String text, String heading) {
        int start = text.indexOf("\n" + heading + "\n");
        if (start < 0) {
            return "";
        }
        int next = text.indexOf("\n#", start + heading.length() + 2);
        return text.substring(start, next < 0 ? text.length() : next);
    }

    /** Values that are not non-empty objects: {@code policies {}} and {@code instrument = []} count. */
    private static void collectLeaves(ConfigObject object, String prefix, Map<String, ConfigValue> leaves) {
        for (Map.Entry<String, ConfigValue> entry : object.entrySet()) {
            String path = prefix + entry.getKey();
            if (entry.getValue() instanceof ConfigObject && !((ConfigObject) entry.getValue()).isEmpty()) {
                collectLeaves((ConfigObject) entry.getValue(), path + ".", leaves);
            } else {
                leaves.put(path, entry.getValue());
            }
        }
    }
}
