package io.hadr4j.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/**
 * Bad input, named, for {@code local}'s flags (and the local drill's): each bad value is refused while the flags are
 * read, before any database or server starts, naming the flag and what it accepts. Bounds: --probe-interval 10ms to
 * 1h, --probe-timeout 10ms to 10m, --latency-sensitivity 0ms to 1m, --health-interval and --router-probe-interval
 * 100ms to 1h.
 */
class LocalFlagsTest {

    private static LocalSetup.Settings local(String... flags) {
        return LocalSetup.Settings.from(Options.parse(List.of(flags), Map.<String, String>of()::get));
    }

    private static void refused(Executable read, String... fragments) {
        Options.ConfigException e = assertThrows(Options.ConfigException.class, read);
        for (String f : fragments) {
            assertTrue(e.getMessage().contains(f), "'" + e.getMessage() + "' should say '" + f + "'");
        }
    }

    @Test
    void durations() {
        refused(() -> local("--probe-interval", "0ms"), "--probe-interval must be from 10ms to 1h, got '0ms'");
        refused(() -> local("--probe-interval", "2h"), "--probe-interval must be from 10ms to 1h");
        refused(() -> local("--probe-interval", "99999999999999999999s"), "--probe-interval must be from 10ms to 1h");
        refused(() -> local("--probe-timeout", "0s"), "--probe-timeout must be from 10ms to 10m");
        refused(() -> local("--probe-timeout", "11m"), "--probe-timeout must be from 10ms to 10m");
        refused(() -> local("--latency-sensitivity", "2m"), "--latency-sensitivity must be from 0ms to 1m");
        refused(() -> local("--latency-sensitivity", "-5ms"), "--latency-sensitivity must be a duration such as 500ms");
        refused(() -> local("--health-interval", "0s"), "--health-interval must be from 100ms to 1h");
        refused(() -> local("--router-probe-interval", "50ms"), "--router-probe-interval must be from 100ms to 1h");
        refused(() -> local("--router-probe-interval", "3h"), "--router-probe-interval must be from 100ms to 1h");
        assertEquals(Duration.ZERO, local("--latency-sensitivity", "0ms").probe().latencySensitivity(), "0: only the fastest");
    }

    @Test
    void numbersAndNames() {
        refused(() -> local("--sample-size", "0"), "--sample-size must be 1 or more, got '0'");
        refused(() -> local("--sample-size", "-3"), "--sample-size must be 1 or more");
        refused(() -> local("--sample-size", "99999999999"), "--sample-size must be 1 or more");
        refused(() -> local("--successful-samples", "0"), "--successful-samples must be 1 or more");
        refused(() -> local("--sample-size", "2", "--successful-samples", "3"), "cannot be more than --sample-size");
        refused(() -> local("--priority-a", "0"), "--priority-a must be from 1 (tried first) to 5");
        refused(() -> local("--priority-b", "6"), "--priority-b must be from 1 (tried first) to 5");
        refused(() -> local("--weight-a", "0"), "--weight-a must be");
        refused(() -> local("--weight-b", "1001"), "--weight-b must be");
        refused(() -> local("--port", "-1"), "--port must be a TCP port from 1 to 65535");
        refused(() -> local("--probe-method", "POST"), "the probe method must be HEAD or GET");
        refused(() -> local("--probe-path", "health"), "the probe path must start with '/'");
        refused(() -> local("--strategy", "active-activ"), "unknown strategy 'active-activ' for --strategy");
        refused(() -> local("--strategy", ""), "--strategy");
    }
}
