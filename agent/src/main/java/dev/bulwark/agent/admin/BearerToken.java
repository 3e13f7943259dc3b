package dev.bulwark.agent.admin;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;

/** The admin endpoint's token check: {@code Authorization: Bearer <token>}. */
final class BearerToken {
    private static final String SCHEME = "Bearer ";

    private final byte[] expected;

    /** @param token the configured token; empty lets every request in */
    BearerToken(String token) {
        this.expected = token.getBytes(StandardCharsets.UTF_8);
    }

    boolean required() {
        return expected.length > 0;
    }

    /**
     * Whether a request with this {@code Authorization} header (null when absent) may proceed. The comparison
     * takes the same time wherever the first wrong byte is, so that timing does not reveal the token.
     */
    boolean accepts(String authorization) {
        if (!required()) {
            return true;
        }
        if (authorization == null || !authorization.regionMatches(true, 0, SCHEME, 0, SCHEME.length())) {
            return false;
        }
        byte[] given = authorization.substring(SCHEME.length()).trim().getBytes(StandardCharsets.UTF_8);
        return MessageDigest.isEqual(expected, given);
    }
}
