package dev.bulwark.agent.cluster;

import dev.bulwark.agent.policy.RedisErrors;
import dev.bulwark.agent.policy.RedisSettings;
import dev.bulwark.agent.runtime.AgentThreads;
import dev.bulwark.agent.runtime.BulwarkLog;
import org.apache.commons.pool2.impl.GenericObjectPoolConfig;
import redis.clients.jedis.ClientSetInfoConfig;
import redis.clients.jedis.Connection;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.JedisPool;
import redis.clients.jedis.exceptions.JedisBusyException;
import redis.clients.jedis.exceptions.JedisDataException;
import redis.clients.jedis.exceptions.JedisNoScriptException;
import redis.clients.jedis.util.JedisURIHelper;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executor;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One Redis server as cluster-scoped policies use it: a pool of connections, scripts called by their SHA, and a
 * breaker of its own. A call that fails or runs past the timeout opens it: the outage is logged once, later
 * decisions do not touch Redis (so none pays the timeout again, and a dead server is not hammered), and one
 * thread tries it every {@link #PROBE_INTERVAL_MILLIS} (loading the scripts) until it answers within the timeout,
 * which closes it. A decision made while the client starts waits for it, within the timeout.
 *
 * <p>Every wait is bounded by the timeout: borrowing a connection (which may open one) counts against it, and
 * the script call gets what is left as its socket timeout.
 */
final class RedisStore {
    /** Returned by {@link #eval} when Redis gave no answer in time: the caller decides per {@code on-failure}. */
    static final long FAILED = Long.MIN_VALUE;
    static final long PROBE_INTERVAL_MILLIS = 500;
    /** How often counts that need no decision (a retry budget's first attempts) are handed to Redis. */
    static final long FLUSH_INTERVAL_MILLIS = 200;
    private static final long NANOS_PER_MILLI = 1_000_000L;

    private final RedisSettings settings;
    private final JedisPool pool;
    private final long timeoutNanos;
    private final int timeoutMillis;
    /** While true, no decision calls Redis; the probe thread alone does, and sets it back. */
    private volatile boolean down;
    /** Claimed by the call that opens an outage, so that it is logged and probed once. */
    private final AtomicBoolean outage = new AtomicBoolean();
    private volatile long outageStartNanos;
    private final RedisScript[] scripts;
    /** Whether the first connection was tried: the client's classes loaded, the scripts loaded into Redis. */
    private volatile boolean warm;
    private final CountDownLatch warmedUp = new CountDownLatch(1);
    private final List<Runnable> flushes = new CopyOnWriteArrayList<>();
    private final AtomicBoolean flushing = new AtomicBoolean();
    private volatile Executor background;

    RedisStore(RedisSettings settings, RedisScript... scripts) {
        this.settings = settings;
        this.scripts = scripts.clone();
        this.timeoutNanos = settings.timeoutNanos();
        this.timeoutMillis = (int) Math.max(1, Math.min(Integer.MAX_VALUE,
                (timeoutNanos + NANOS_PER_MILLI - 1) / NANOS_PER_MILLI));
        URI uri = URI.create(settings.uri());
        DefaultJedisClientConfig.Builder client = DefaultJedisClientConfig.builder()
                .connectionTimeoutMillis(timeoutMillis)
                .socketTimeoutMillis(timeoutMillis)
                .user(JedisURIHelper.getUser(uri))
                .password(JedisURIHelper.getPassword(uri))
                .database(JedisURIHelper.getDBIndex(uri))
                .ssl(JedisURIHelper.isRedisSSLScheme(uri))
                // One round trip less per new connection, and nothing of Bulwark shown in CLIENT LIST.
                .clientSetInfoConfig(ClientSetInfoConfig.DISABLED);
        GenericObjectPoolConfig<Jedis> poolConfig = new GenericObjectPoolConfig<>();
        poolConfig.setMaxTotal(settings.poolSize());
        poolConfig.setMaxIdle(settings.poolSize());
        poolConfig.setMinIdle(0);
        poolConfig.setBlockWhenExhausted(true);
        poolConfig.setMaxWait(Duration.ofMillis(timeoutMillis));
        // No evictor thread and no MBean: the probe finds dead connections, and the agent shows nothing of its
        // dependencies in the application's JMX.
        poolConfig.setJmxEnabled(false);
        poolConfig.setTestOnBorrow(false);
        poolConfig.setTestWhileIdle(false);
        this.pool = new JedisPool(poolConfig, JedisURIHelper.getHostAndPort(uri), client.build());
        RedisErrors.markInUse();
        BulwarkLog.info("cluster scope: rate limiters share their permits through Redis at " + settings.redactedUri()
                + " (timeout " + timeoutMillis + "ms, on-failure = " + onFailureText() + ")");
        AgentThreads.start("bulwark-redis-connect", this::warmUp);
    }

    /**
     * Loading the client's classes and opening the first connection take longer than a decision's timeout on a
     * cold JVM; done here, off the application's threads, as soon as a cluster-scoped policy exists.
     */
    private void warmUp() {
        try (Jedis jedis = pool.getResource()) {
            loadScripts(jedis);
        } catch (RuntimeException e) {
            failed(e);
        } finally {
            warm = true;
            warmedUp.countDown();
        }
    }

    private void loadScripts(Jedis jedis) {
        jedis.getConnection().setSoTimeout(timeoutMillis);
        for (RedisScript script : scripts) {
            jedis.scriptLoad(script.body);
        }
    }

    /** Whether decisions are made in Redis now: the client started, and no outage is going on. */
    boolean answering() {
        return warm && !down;
    }

    RedisSettings settings() {
        return settings;
    }

    /**
     * Runs {@code script} with one key, {@code keyAndArgs[0]}, and the rest as its arguments; loads it again when
     * Redis lost it (a restart, {@code SCRIPT FLUSH}).
     *
     * @return the script's integer answer, or {@link #FAILED} when Redis is down, failed, or did not answer within
     *     the timeout
     */
    long eval(RedisScript script, byte[]... keyAndArgs) {
        Object answer = call(System.nanoTime(), script, keyAndArgs);
        return answer == null ? FAILED : (Long) answer;
    }

    /** {@link #eval} within the timeout counted from {@code startNanos} ({@link System#nanoTime()}). */
    long evalSince(long startNanos, RedisScript script, byte[]... keyAndArgs) {
        Object answer = call(startNanos, script, keyAndArgs);
        return answer == null ? FAILED : (Long) answer;
    }

    /** {@link #evalSince} of a script that answers with integers: them, or null when Redis gave no answer in time. */
    @SuppressWarnings("unchecked")
    List<Long> evalIntegersSince(long startNanos, RedisScript script, byte[]... keyAndArgs) {
        return (List<Long>) call(startNanos, script, keyAndArgs);
    }

    /** Where batch mode fetches leases ahead of need: one thread, gone while idle. */
    Executor background() {
        Executor executor = background;
        if (executor == null) {
            synchronized (this) {
                executor = background;
                if (executor == null) {
                    ThreadPoolExecutor pool = new ThreadPoolExecutor(1, 1, 30, TimeUnit.SECONDS,
                            new LinkedBlockingQueue<>(), AgentThreads.factory("bulwark-redis-lease"));
                    pool.allowCoreThreadTimeOut(true);
                    executor = pool;
                    background = executor;
                }
            }
        }
        return executor;
    }

    private Object call(long start, RedisScript script, byte[]... keyAndArgs) {
        if (down) {
            return null;
        }
        if (!warm && !awaitWarm()) {
            return null;
        }
        Jedis jedis = null;
        try {
            if (System.nanoTime() - start >= timeoutNanos) {
                // This caller's time ran out before it reached Redis (it waited for a lease): no fault of Redis.
                return null;
            }
            jedis = pool.getResource();
            int leftMillis = (int) ((timeoutNanos - (System.nanoTime() - start)) / NANOS_PER_MILLI);
            if (leftMillis < 1) {
                throw new IllegalStateException("no connection free within " + timeoutMillis + "ms");
            }
            Connection connection = jedis.getConnection();
            if (connection.getSoTimeout() != leftMillis) {
                connection.setSoTimeout(leftMillis);
            }
            try {
                return jedis.evalsha(script.sha, 1, keyAndArgs);
            } catch (JedisNoScriptException lost) {
                return jedis.eval(script.body, 1, keyAndArgs);
            }
        } catch (JedisBusyException busy) {
            failed(busy);
            return null;
        } catch (JedisDataException refused) {
            // Redis answered, with an error (a key of another type, out of memory): no outage, but no decision.
            RedisErrors.increment();
            BulwarkLog.errorOnce("redis " + script.name + " " + refused.getMessage(), "cluster scope: Redis at "
                    + settings.redactedUri() + " refused " + script.name + ": " + refused.getMessage()
                    + "; such decisions follow on-failure = " + onFailureText(), null);
            return null;
        } catch (RuntimeException e) {
            failed(e);
            return null;
        } finally {
            if (jedis != null) {
                jedis.close();
            }
        }
    }

    /** Runs {@code flush} every {@link #FLUSH_INTERVAL_MILLIS} on one thread of this store's, while Redis answers. */
    void flushEvery(Runnable flush) {
        flushes.add(flush);
        if (flushing.compareAndSet(false, true)) {
            AgentThreads.start("bulwark-redis-flush", this::flushForever);
        }
    }

    private void flushForever() {
        for (;;) {
            try {
                Thread.sleep(FLUSH_INTERVAL_MILLIS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            if (answering()) {
                flushes.forEach(Runnable::run);
            }
        }
    }

    /** A decision made before the client is ready waits for it, within the timeout. */
    private boolean awaitWarm() {
        try {
            return warmedUp.await(timeoutNanos, TimeUnit.NANOSECONDS) && !down;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private void failed(RuntimeException cause) {
        RedisErrors.increment();
        if (!outage.compareAndSet(false, true)) {
            return;
        }
        down = true;
        outageStartNanos = System.nanoTime();
        BulwarkLog.warn("cluster scope: Redis at " + settings.redactedUri() + " failed or did not answer within "
                + timeoutMillis + "ms (" + describe(cause) + "); decisions follow on-failure = " + onFailureText()
                + " until it answers again, checked every " + PROBE_INTERVAL_MILLIS + "ms");
        // Connections idle in the pool may be dead too (a restarted server): each would cost a decision its timeout.
        pool.clear();
        AgentThreads.start("bulwark-redis-probe", this::probeUntilAnswered);
    }

    private void probeUntilAnswered() {
        for (;;) {
            try {
                Thread.sleep(PROBE_INTERVAL_MILLIS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            try (Jedis jedis = pool.getResource()) {
                // A restarted Redis has lost the scripts: loading them here spares the first decisions a NOSCRIPT.
                loadScripts(jedis);
            } catch (RuntimeException stillDown) {
                RedisErrors.increment();
                continue;
            }
            pool.clear();
            down = false;
            outage.set(false);
            long seconds = TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - outageStartNanos);
            BulwarkLog.info("cluster scope: Redis at " + settings.redactedUri() + " answers again after about "
                    + seconds + "s; decisions are shared again");
            return;
        }
    }

    private String onFailureText() {
        return settings.onFailure().name().toLowerCase(java.util.Locale.ROOT);
    }

    /** Simple names: the client's packages are relocated, and their full names would only puzzle a reader. */
    private static String describe(Throwable cause) {
        StringBuilder text = new StringBuilder(cause.getClass().getSimpleName()).append(": ").append(cause.getMessage());
        Throwable inner = cause.getCause();
        if (inner != null && inner != cause) {
            text.append(", caused by ").append(inner.getClass().getSimpleName()).append(": ").append(inner.getMessage());
        }
        return text.toString();
    }
}
