package dev.bulwark.agent.config;

import java.util.Collections;
import java.util.List;
import java.util.Objects;

/** {@code bulwark.admin}: where the admin endpoint listens, its token, and the breakers readiness depends on. */
public final class AdminSettings {
    public static final String LOOPBACK = "127.0.0.1";
    /** The endpoint off: no port, no thread. */
    public static final AdminSettings OFF = new AdminSettings(0, LOOPBACK, "", Collections.emptyList());

    private final int port;
    private final String host;
    private final String token;
    private final List<String> readinessBreakers;

    public AdminSettings(int port, String host, String token, List<String> readinessBreakers) {
        this.port = port;
        this.host = host;
        this.token = token;
        this.readinessBreakers = List.copyOf(readinessBreakers);
    }

    /** Whether the endpoint runs at all: a port of 0 starts nothing. */
    public boolean enabled() {
        return port > 0;
    }

    public int port() {
        return port;
    }

    public String host() {
        return host;
    }

    /** The bearer token every request must carry; empty for none. */
    public String token() {
        return token;
    }

    public List<String> readinessBreakers() {
        return readinessBreakers;
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof AdminSettings)) {
            return false;
        }
        AdminSettings that = (AdminSettings) o;
        return port == that.port && host.equals(that.host) && token.equals(that.token)
                && readinessBreakers.equals(that.readinessBreakers);
    }

    @Override
    public int hashCode() {
        return Objects.hash(port, host, token, readinessBreakers);
    }

    /** Never shows the token. */
    @Override
    public String toString() {
        return host + ":" + port + (token.isEmpty() ? "" : " (token)") + " readiness-breakers=" + readinessBreakers;
    }
}
