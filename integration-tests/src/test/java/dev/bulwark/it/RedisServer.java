package dev.bulwark.it;

import java.io.BufferedReader;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * A real {@code redis-server} (the Debian package, which .ci/run installs) on a free loopback port, started and
 * stopped by the test; no persistence, so a restart starts empty. Tests skip themselves where there is none.
 */
final class RedisServer implements AutoCloseable {
    private final Path binary;
    private final int port;
    private Process process;
    private boolean paused;

    private RedisServer(Path binary, int port) {
        this.binary = binary;
        this.port = port;
    }

    /** A server not started yet, on a port free now; skips the test without a redis-server binary. */
    static RedisServer onFreePort() throws IOException {
        Optional<Path> binary = binary();
        assumeTrue(binary.isPresent(), "no redis-server binary on PATH (Debian package 'redis-server', installed by"
                + " .ci/run): skipping the tests against a real Redis");
        try (ServerSocket socket = new ServerSocket(0)) {
            return new RedisServer(binary.get(), socket.getLocalPort());
        }
    }

    static Optional<Path> binary() {
        for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin").split(":")) {
            Path candidate = Paths.get(dir, "redis-server");
            if (Files.isExecutable(candidate)) {
                return Optional.of(candidate);
            }
        }
        Path debian = Paths.get("/usr/bin/redis-server");
        return Files.isExecutable(debian) ? Optional.of(debian) : Optional.empty();
    }

    String uri() {
        return "redis://127.0.0.1:" + port;
    }

    /** Starts the server (again, empty, after {@link #kill}) and waits until it answers. */
    RedisServer start() throws IOException, InterruptedException {
        process = new ProcessBuilder(binary.toString(), "--port", Integer.toString(port), "--bind", "127.0.0.1",
                "--save", "", "--appendonly", "no").redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (true) {
            try {
                if ("+PONG".equals(command("PING"))) {
                    return this;
                }
            } catch (IOException notYet) {
                if (System.nanoTime() > end || !process.isAlive()) {
                    throw new IllegalStateException("redis-server did not start on port " + port, notYet);
                }
                Thread.sleep(50);
            }
        }
    }

    /** As a crash: SIGKILL, everything in memory lost. */
    void kill() throws InterruptedException {
        resume();
        process.destroyForcibly();
        process.waitFor(20, TimeUnit.SECONDS);
    }

    /** SIGSTOP: connections still open and accepted, nothing answered, as a server far slower than any timeout. */
    void pause() throws IOException, InterruptedException {
        signal("-STOP");
        paused = true;
    }

    void resume() throws InterruptedException {
        if (paused) {
            try {
                signal("-CONT");
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
            paused = false;
        }
    }

    private void signal(String signal) throws IOException, InterruptedException {
        Process kill = new ProcessBuilder("kill", signal, Long.toString(process.pid())).inheritIO().start();
        if (kill.waitFor() != 0) {
            throw new IllegalStateException("kill " + signal + " failed");
        }
    }

    /** Sends one command; returns the first line of the reply (RESP: "+OK", ":3", "$-1", ...). */
    String command(String... words) throws IOException {
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.setSoTimeout(5_000);
            OutputStream out = socket.getOutputStream();
            out.write(request(words));
            out.flush();
            return new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8)).readLine();
        }
    }

    private static byte[] request(String... words) {
        StringBuilder request = new StringBuilder("*").append(words.length).append("\r\n");
        for (String word : words) {
            request.append('$').append(word.getBytes(StandardCharsets.UTF_8).length).append("\r\n")
                    .append(word).append("\r\n");
        }
        return request.toString().getBytes(StandardCharsets.UTF_8);
    }

    /** The body of a bulk-string reply, such as INFO's. */
    String text(String... words) throws IOException {
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.setSoTimeout(5_000);
            OutputStream out = socket.getOutputStream();
            out.write(request(words));
            out.flush();
            DataInputStream in = new DataInputStream(socket.getInputStream());
            StringBuilder header = new StringBuilder();
            for (int c = in.read(); c != '\n'; c = in.read()) {
                if (c < 0) {
                    throw new IOException("Redis closed the connection");
                }
                header.append((char) c);
            }
            String length = header.toString().trim();
            if (!length.startsWith("$")) {
                throw new IllegalStateException(String.join(" ", words) + " answered " + length);
            }
            byte[] body = new byte[Integer.parseInt(length.substring(1))];
            in.readFully(body);
            return new String(body, StandardCharsets.UTF_8);
        }
    }

    long integer(String... words) throws IOException {
        String reply = command(words);
        if (reply == null || !reply.startsWith(":")) {
            throw new IllegalStateException(String.join(" ", words) + " answered " + reply);
        }
        return Long.parseLong(reply.substring(1));
    }

    @Override
    public void close() throws InterruptedException {
        if (process != null && process.isAlive()) {
            kill();
        }
    }
}
