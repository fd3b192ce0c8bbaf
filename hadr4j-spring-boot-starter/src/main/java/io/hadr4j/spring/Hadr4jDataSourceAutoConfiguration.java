package io.hadr4j.spring;

import java.util.List;

import javax.sql.DataSource;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.autoconfigure.jdbc.DataSourceAutoConfiguration;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Primary;
import org.springframework.core.env.Environment;

import com.zaxxer.hikari.HikariDataSource;

import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import io.github.resilience4j.retry.RetryRegistry;
import io.hadr4j.core.datasource.Endpoint;
import io.hadr4j.core.datasource.RegionAwareDataSource;
import io.hadr4j.core.datasource.RouterConfig;

/**
 * The {@link RegionAwareDataSource} from {@code hadr4j.datasource.*}, one HikariCP pool per endpoint, as the
 * application's primary {@link DataSource} (so {@code JdbcTemplate}, JPA/Hibernate, Flyway and Liquibase use it as
 * they are), and its read view as a second DataSource qualified {@value #READ_ONLY}. Spring Boot's own DataSource
 * then backs off. This backs off in turn when the application defines a RegionAwareDataSource of its own.
 *
 * <p>The circuit breakers and retries go into the application's {@link CircuitBreakerRegistry} and
 * {@link RetryRegistry} when it has one (resilience4j's Spring Boot starter makes them, and shows them in its
 * Actuator endpoints; with several, mark one {@code @Primary}), else into the router's own; either way they are
 * named {@code <name>-<endpoint name>}.
 */
@AutoConfiguration(before = DataSourceAutoConfiguration.class)
@ConditionalOnClass({RegionAwareDataSource.class, HikariDataSource.class})
@ConditionalOnProperty(prefix = Hadr4jDataSourceProperties.PREFIX, name = "enabled", matchIfMissing = true)
@ConditionalOnMissingBean(RegionAwareDataSource.class)
@EnableConfigurationProperties(Hadr4jDataSourceProperties.class)
public class Hadr4jDataSourceAutoConfiguration {

    /** The qualifier of the read view: {@code @Qualifier("hadr4jReadOnly") DataSource reads}. */
    public static final String READ_ONLY = "hadr4jReadOnly";

    @Bean(destroyMethod = "close")
    @Primary
    RegionAwareDataSource hadr4jDataSource(Hadr4jDataSourceProperties properties, Environment environment,
                                           ObjectProvider<PoolCustomizer> customizers,
                                           ObjectProvider<CircuitBreakerRegistry> breakers, ObjectProvider<RetryRegistry> retries) {
        EndpointPools.check(properties);
        RouterConfig config = EndpointPools.routerConfig(properties, breakers.getIfAvailable(), retries.getIfAvailable());
        List<Endpoint> endpoints = EndpointPools.create(properties, Binder.get(environment), customizers.orderedStream().toList());
        try {
            return RegionAwareDataSource.create(config, endpoints);
        } catch (RuntimeException e) {
            for (Endpoint endpoint : endpoints) ((HikariDataSource) endpoint.dataSource()).close();
            throw e;
        }
    }

    /** Reads: a fresh secondary of the local region, else the primary. Never injected where a DataSource is asked for unqualified. */
    @Bean(defaultCandidate = false)
    @Qualifier(READ_ONLY)
    DataSource hadr4jReadOnlyDataSource(RegionAwareDataSource hadr4jDataSource) {
        return hadr4jDataSource.readOnly();
    }
}
