package io.hadr4j.core.datasource;

import static org.junit.jupiter.api.Assertions.fail;

import java.time.Duration;
import java.util.function.BooleanSupplier;

/** Waiting in tests for the condition they mean, never for a guess: shared by ha-core's tests and ha-integration-tests'. */
public final class Await {
    private Await() {
    }

    /** Polls {@code condition} every 20 ms; fails the test, naming {@code what}, when it is not true within {@code timeout}. */
    public static void await(String what, Duration timeout, BooleanSupplier condition) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) fail("timed out after " + timeout.toMillis() + " ms waiting for " + what);
            sleep(20);
        }
    }

    public static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
