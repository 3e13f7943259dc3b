package dev.bulwark.agent.admin;

import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class AdminJsonTest {
    @Test
    void writesObjectsInTheirOrderWithNestedArrays() {
        Map<String, Object> object = new LinkedHashMap<>();
        object.put("name", "payments");
        object.put("calls", 12L);
        object.put("rate", 25.5f);
        object.put("open", true);
        object.put("scope", null);
        object.put("list", Arrays.asList("a", 1, Collections.emptyMap()));
        assertThat(Json.write(object))
                .isEqualTo("{\"name\":\"payments\",\"calls\":12,\"rate\":25.5,\"open\":true,\"scope\":null,\"list\":[\"a\",1,{}]}");
    }

    @Test
    void escapesQuotesBackslashesAndControlCharacters() {
        assertThat(Json.write(Collections.singletonMap("k\"ey", "a\\b\"c\n\r\t\u0001\u2028é#")))
                .isEqualTo("{\"k\\\"ey\":\"a\\\\b\\\"c\\n\\r\\t\\u0001\\u2028é#\"}");
    }

    @Test
    void numbersJsonCannotCarryAreNull() {
        assertThat(Json.write(Arrays.asList(Float.NaN, Double.POSITIVE_INFINITY, -1.0f))).isEqualTo("[null,null,-1.0]");
    }

    @Test
    void otherObjectsAreTheirStrings() {
        assertThat(Json.write(Collections.singletonList(Thread.State.NEW))).isEqualTo("[\"NEW\"]");
    }
}
