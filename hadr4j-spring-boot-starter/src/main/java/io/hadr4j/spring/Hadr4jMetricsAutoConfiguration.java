package io.hadr4j.spring;

import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import io.github.resilience4j.micrometer.tagged.TaggedCircuitBreakerMetrics;
import io.github.resilience4j.micrometer.tagged.TaggedRetryMetrics;
import io.hadr4j.core.datasource.RegionAwareDataSource;
import io.micrometer.core.instrument.binder.MeterBinder;

/**
 * Micrometer meters for the RegionAwareDataSource beans ({@link Hadr4jMetrics}), and their circuit breakers and
 * retries through resilience4j's own Micrometer module ({@code resilience4j.circuitbreaker.*},
 * {@code resilience4j.retry.*}, tag {@code name} {@code <router>-<endpoint>}) when it is on the class path. Spring
 * Boot binds MeterBinder beans to the application's registry.
 */
@AutoConfiguration(after = Hadr4jDataSourceAutoConfiguration.class)
@ConditionalOnClass(MeterBinder.class)
@ConditionalOnBean(RegionAwareDataSource.class)
public class Hadr4jMetricsAutoConfiguration {

    @Bean
    MeterBinder hadr4jMetrics(ObjectProvider<RegionAwareDataSource> routers) {
        return new Hadr4jMetrics(routers.orderedStream().toList());
    }

    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(TaggedCircuitBreakerMetrics.class)
    static class Resilience4jMetrics {

        /** Each registry once, however many routers share it. */
        @Bean
        MeterBinder hadr4jResilience4jMetrics(ObjectProvider<RegionAwareDataSource> routers) {
            List<RegionAwareDataSource> all = routers.orderedStream().toList();
            return registry -> {
                Set<Object> bound = Collections.newSetFromMap(new IdentityHashMap<>());
                List<MeterBinder> binders = new ArrayList<>();
                for (RegionAwareDataSource ds : all) {
                    if (bound.add(ds.circuitBreakerRegistry())) {
                        binders.add(TaggedCircuitBreakerMetrics.ofCircuitBreakerRegistry(ds.circuitBreakerRegistry()));
                    }
                    if (bound.add(ds.retryRegistry())) binders.add(TaggedRetryMetrics.ofRetryRegistry(ds.retryRegistry()));
                }
                binders.forEach(b -> b.bindTo(registry));
            };
        }
    }
}
