package dev.bulwark.agent.config;

import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigObject;
import com.typesafe.config.ConfigUtil;
import com.typesafe.config.ConfigValue;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every key of {@code reference.conf} is documented in the README's config reference: a key of a
 * {@code defaults} block in the table under that block's heading, any other key by its full path.
 */
class ReferenceDocumentedTest {
    private static final Path README = Paths.get("..", "README.md");
    private static final String START = "<!-- config-reference:start -->";
    private static final String END = "<!-- config-reference:end -->";

    @Test
    void everyKeyOfReferenceConfIsInTheReadme() throws IOException {
        String reference = configReference();
        ConfigObject bulwark = ConfigFactory.parseResources(getClass().getClassLoader(), "reference.conf").getObject("bulwark");
        List<String> undocumented = new ArrayList<>();
        for (String path : leafPaths(bulwark, "")) {
            List<String> segments = ConfigUtil.splitPath(path);
            boolean documented = segments.size() == 3 && segments.get(0).equals("defaults")
                    ? section(reference, "#### `" + segments.get(1) + "`").contains("`" + segments.get(2) + "`")
                    : reference.contains("`bulwark." + path + "`");
            if (!documented) {
                undocumented.add(path);
            }
        }
        assertThat(undocumented).as("keys of reference.conf missing from the README's config reference").isEmpty();
    }

    @Test
    void everyPolicyBlockHasItsOwnTable() throws IOException {
        String reference = configReference();
        for (PolicyKind kind : PolicyKind.values()) {
            assertThat(section(reference, "#### `" + kind.configKey() + "`")).contains("| `");
        }
    }

    private static String configReference() throws IOException {
        String readme = new String(Files.readAllBytes(README), StandardCharsets.UTF_8);
        int start = readme.indexOf(START);
        int end = readme.indexOf(END);
        assertThat(start).as("README.md has the config reference markers").isNotNegative();
        assertThat(end).isGreaterThan(start);
        return readme.substring(start, end);
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

    /** Paths of the values that are not non-empty objects: {@code policies {}} and {@code instrument = []} count. */
    private static List<String> leafPaths(ConfigObject object, String prefix) {
        List<String> paths = new ArrayList<>();
        for (Map.Entry<String, ConfigValue> entry : object.entrySet()) {
            String path = prefix + entry.getKey();
            if (entry.getValue() instanceof ConfigObject && !((ConfigObject) entry.getValue()).isEmpty()) {
                paths.addAll(leafPaths((ConfigObject) entry.getValue(), path + "."));
            } else {
                paths.add(path);
            }
        }
        return paths;
    }
}
