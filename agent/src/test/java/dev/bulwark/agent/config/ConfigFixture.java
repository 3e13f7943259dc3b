package dev.bulwark.agent.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;

/** Loads a config the way the agent does, from a file written by the test, and keeps the problems reported. */
final class ConfigFixture {
    final Path dir;
    final Properties properties = new Properties();
    final Map<String, String> environment = new HashMap<>();
    final List<ConfigProblem> problems = new ArrayList<>();
    String agentArguments;

    ConfigFixture(Path dir) {
        this.dir = dir;
    }

    /** Writes {@code lines} to {@code name} in the test's directory and returns its path. */
    Path file(String name, String... lines) {
        Path file = dir.resolve(name);
        try {
            Files.write(file, String.join("\n", lines).concat("\n").getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return file;
    }

    /** Loads {@code lines} as the file named by {@code config=}. */
    BulwarkConfig load(String... lines) {
        agentArguments = "config=" + file("bulwark.conf", lines);
        return load();
    }

    BulwarkConfig load() {
        return BulwarkConfig.load(agentArguments, ConfigFixture.class.getClassLoader(), properties, environment, problems::add);
    }

    static Map<PolicyKind, Config> declared(PolicyKind kind, String hocon) {
        Map<PolicyKind, Config> blocks = new EnumMap<>(PolicyKind.class);
        blocks.put(kind, ConfigFactory.parseString(hocon, com.typesafe.config.ConfigParseOptions.defaults()
                .setOriginDescription("@" + kind.configKey() + " annotation")));
        return blocks;
    }

    static Map<PolicyKind, Config> none() {
        return new EnumMap<>(PolicyKind.class);
    }
}
