package io.hadr4j.spring;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.boot.actuate.autoconfigure.health.ConditionalOnEnabledHealthIndicator;
import org.springframework.boot.actuate.availability.ReadinessStateHealthIndicator;
import org.springframework.boot.actuate.health.CompositeHealthContributor;
import org.springframework.boot.actuate.health.HealthContributor;
import org.springframework.boot.actuate.health.HealthEndpointGroupsPostProcessor;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.availability.ApplicationAvailability;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;

import io.hadr4j.core.datasource.RegionAwareDataSource;

/**
 * Health for the RegionAwareDataSource beans (the starter's, or the application's own): the drain on shutdown
 * ({@link Hadr4jDrain}), and with Actuator the {@code hadr4j} contributor from the routers' snapshots, in the
 * readiness group, with Boot's {@code db} contributor kept off them.
 */
@AutoConfiguration(after = Hadr4jDataSourceAutoConfiguration.class,
        afterName = "org.springframework.boot.actuate.autoconfigure.availability.AvailabilityProbesAutoConfiguration")
@ConditionalOnBean(RegionAwareDataSource.class)
@EnableConfigurationProperties(Hadr4jHealthProperties.class)
public class Hadr4jHealthAutoConfiguration {

    static final String TIMEOUT_PER_PHASE = "spring.lifecycle.timeout-per-shutdown-phase";

    @Bean
    Hadr4jDrain hadr4jDrain(Hadr4jHealthProperties properties, Environment environment, ApplicationEventPublisher events) {
        Duration delay = properties.getDrainDelay();
        if (delay == null || delay.isNegative()) {
            throw new Hadr4jPropertiesException(Hadr4jHealthProperties.PREFIX + ".drain-delay", "is " + delay,
                    "set 0s (no drain) or how long to keep serving after readiness went DOWN, for example 35s");
        }
        Duration phase = Binder.get(environment).bind(TIMEOUT_PER_PHASE, Duration.class).orElse(Duration.ofSeconds(30));
        if (delay.compareTo(phase) >= 0) {
            throw new Hadr4jPropertiesException(Hadr4jHealthProperties.PREFIX + ".drain-delay", "is " + EndpointPools.text(delay)
                    + ", not shorter than " + TIMEOUT_PER_PHASE + " (" + EndpointPools.text(phase) + "), so Spring would give up waiting for the "
                    + "drain and shut the web server down before it ends", "lower it, or raise " + TIMEOUT_PER_PHASE + " above it, for example "
                    + TIMEOUT_PER_PHASE + "=" + (delay.toSeconds() + 30) + "s");
        }
        return new Hadr4jDrain(delay, events);
    }

    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(name = {"org.springframework.boot.actuate.health.HealthContributor",
            "org.springframework.boot.actuate.autoconfigure.health.ConditionalOnEnabledHealthIndicator"})
    static class ActuatorHealth {

        /** Named {@code hadr4j} in the health endpoint (Boot takes the bean name without its suffix). */
        @Bean
        @ConditionalOnEnabledHealthIndicator("hadr4j")
        HealthContributor hadr4jHealthContributor(Map<String, RegionAwareDataSource> routers, Hadr4jHealthProperties properties,
                                                  Hadr4jDrain drain) {
            if (routers.size() == 1) {
                return new Hadr4jHealthIndicator(routers.values().iterator().next(), properties.getReadinessPolicy(), drain);
            }
            Map<String, HealthContributor> each = new LinkedHashMap<>();
            routers.forEach((name, ds) -> each.put(name, new Hadr4jHealthIndicator(ds, properties.getReadinessPolicy(), drain)));
            return CompositeHealthContributor.fromMap(each);
        }

        @Bean
        @ConditionalOnProperty(prefix = Hadr4jHealthProperties.PREFIX, name = "readiness-group", matchIfMissing = true)
        HealthEndpointGroupsPostProcessor hadr4jReadinessGroup() {
            return new Hadr4jReadinessGroup();
        }
    }

    /** The readinessState contributor the readiness group needs, when Boot's probes are off and so did not make it. */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(ReadinessStateHealthIndicator.class)
    @ConditionalOnProperty(prefix = Hadr4jHealthProperties.PREFIX, name = "readiness-group", matchIfMissing = true)
    static class ReadinessState {

        @Bean
        @ConditionalOnMissingBean(name = "readinessStateHealthIndicator")
        @ConditionalOnBean(ApplicationAvailability.class)
        ReadinessStateHealthIndicator readinessStateHealthIndicator(ApplicationAvailability availability) {
            return new ReadinessStateHealthIndicator(availability);
        }
    }

    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(name = "org.springframework.boot.actuate.autoconfigure.jdbc.DataSourceHealthContributorAutoConfiguration")
    static class DbHealth {

        @Bean
        static BeanPostProcessor hadr4jDbHealthWithoutRouters() {
            return new DbHealthWithoutRouters();
        }
    }
}
