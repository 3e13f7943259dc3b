package dev.bulwark.agent.cluster;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/** A Lua script shipped beside this class, and the SHA-1 that {@code EVALSHA} names it by. */
final class RedisScript {
    final String name;
    final byte[] body;
    final byte[] sha;

    private RedisScript(String name, byte[] body) {
        this.name = name;
        this.body = body;
        this.sha = sha1Hex(body).getBytes(StandardCharsets.US_ASCII);
    }

    static RedisScript load(String resource) {
        try (InputStream in = RedisScript.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("the agent jar lacks " + resource);
            }
            return new RedisScript(resource, in.readAllBytes());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String sha1Hex(byte[] body) {
        try {
            StringBuilder hex = new StringBuilder(40);
            for (byte b : MessageDigest.getInstance("SHA-1").digest(body)) {
                hex.append(Character.forDigit((b >> 4) & 0xF, 16)).append(Character.forDigit(b & 0xF, 16));
            }
            return hex.toString();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-1 is missing from this JVM", e);
        }
    }
}
