package dev.bulwark.agent.weave;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import net.bytebuddy.description.annotation.AnnotationDescription;
import net.bytebuddy.description.annotation.AnnotationValue;
import net.bytebuddy.description.enumeration.EnumerationDescription;
import net.bytebuddy.description.method.MethodDescription;
import net.bytebuddy.description.type.TypeDescription;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Turns a Bulwark annotation, read from the class file before the class loads, into a config block with the
 * same keys as HOCON, so annotations and config files go through one reader and one precedence.
 *
 * <p>Only attributes that differ from the annotation's default are kept: an attribute left at its default
 * must not hide the value of a named policy or of the {@code defaults} block. (The class file cannot tell an
 * explicit {@code failureRateThreshold = 50} from the default 50; both defer to the config.)
 */
final class AnnotationBlocks {
    private AnnotationBlocks() {
    }

    static Config toConfig(AnnotationDescription annotation, String origin) {
        Map<String, Object> values = new HashMap<>();
        for (MethodDescription.InDefinedShape attribute : annotation.getAnnotationType().getDeclaredMethods()) {
            AnnotationValue<?, ?> value = annotation.getValue(attribute);
            AnnotationValue<?, ?> defaultValue = attribute.getDefaultValue();
            if (defaultValue != null && defaultValue.equals(value)) {
                continue;
            }
            values.put(configPath(attribute.getName()), plain(value.resolve()));
        }
        return ConfigFactory.parseMap(values, origin);
    }

    private static Object plain(Object resolved) {
        if (resolved instanceof EnumerationDescription) {
            return ((EnumerationDescription) resolved).getValue();
        }
        if (resolved instanceof TypeDescription[]) {
            List<String> names = new ArrayList<>();
            for (TypeDescription type : (TypeDescription[]) resolved) {
                names.add(type.getName());
            }
            return names;
        }
        return resolved;
    }

    /**
     * The config path of an attribute: its kebab-case name, but {@code @Timeout(adaptive)} switches the
     * {@code adaptive} block, whose other keys are config only. (The map's keys are paths to
     * {@link ConfigFactory#parseMap}.)
     */
    private static String configPath(String attribute) {
        return attribute.equals("adaptive") ? "adaptive.enabled" : kebabCase(attribute);
    }

    static String kebabCase(String camelCase) {
        StringBuilder out = new StringBuilder(camelCase.length() + 4);
        for (char c : camelCase.toCharArray()) {
            if (Character.isUpperCase(c)) {
                out.append('-').append(Character.toLowerCase(c));
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }
}
