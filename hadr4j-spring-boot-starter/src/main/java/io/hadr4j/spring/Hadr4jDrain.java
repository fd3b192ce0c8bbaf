package io.hadr4j.spring;

import java.time.Duration;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.availability.AvailabilityChangeEvent;
import org.springframework.boot.availability.ReadinessState;
import org.springframework.boot.web.context.WebServerGracefulShutdownLifecycle;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.SmartLifecycle;

/**
 * The drain on shutdown, in step with Spring's own: when the context closes, Spring Boot's web context first publishes
 * readiness {@code REFUSING_TRAFFIC} (so {@code /actuator/health/readiness} answers 503), then stops the lifecycle
 * beans from the highest phase down. This bean's phase is above the web server's graceful shutdown
 * ({@link WebServerGracefulShutdownLifecycle#SMART_LIFECYCLE_PHASE}), so its stop runs first: it turns readiness DOWN
 * too (whatever context it runs in) and keeps the server serving for the drain delay, while load balancers see
 * the readiness probe fail and stop sending new requests; only then does Spring go on to the graceful shutdown (no
 * new requests, in-flight ones finish), the web server's stop, and last the beans' destruction, which closes the
 * RegionAwareDataSource and its pools after every request is done. The wait runs on a thread of its own and ends
 * with Spring's stop callback, so it counts against {@code spring.lifecycle.timeout-per-shutdown-phase} of this
 * phase only (the delay is checked against it at startup).
 */
final class Hadr4jDrain implements SmartLifecycle {

    /** After the application's default-phase beans, before the web server's graceful shutdown. */
    static final int PHASE = WebServerGracefulShutdownLifecycle.SMART_LIFECYCLE_PHASE + 512;

    private static final Logger LOG = LoggerFactory.getLogger(Hadr4jDrain.class);

    private final Duration delay;
    private final ApplicationEventPublisher events;
    private volatile boolean running;
    private volatile boolean draining;

    Hadr4jDrain(Duration delay, ApplicationEventPublisher events) {
        this.delay = delay;
        this.events = events;
    }

    /** Whether the application is shutting down: readiness is DOWN and new traffic should go elsewhere. */
    boolean draining() {
        return draining;
    }

    Duration delay() {
        return delay;
    }

    @Override
    public void start() {
        if (draining) { // started again after a stop (context.stop(), then start())
            draining = false;
            AvailabilityChangeEvent.publish(events, this, ReadinessState.ACCEPTING_TRAFFIC);
        }
        running = true;
    }

    @Override
    public void stop(Runnable callback) {
        draining = true;
        AvailabilityChangeEvent.publish(events, this, ReadinessState.REFUSING_TRAFFIC);
        if (delay.isZero()) {
            running = false;
            callback.run();
            return;
        }
        LOG.info("hadr4j: readiness is DOWN; serving on for the drain delay of {} ms before the graceful shutdown", delay.toMillis());
        Thread t = new Thread(() -> {
            try {
                Thread.sleep(delay.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } finally {
                LOG.info("hadr4j: drain delay over; the shutdown goes on");
                running = false;
                callback.run();
            }
        }, "hadr4j-drain");
        t.setDaemon(true);
        t.start();
    }

    @Override
    public void stop() {
        java.util.concurrent.CountDownLatch done = new java.util.concurrent.CountDownLatch(1);
        stop(done::countDown);
        try {
            done.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    @Override
    public int getPhase() {
        return PHASE;
    }
}
