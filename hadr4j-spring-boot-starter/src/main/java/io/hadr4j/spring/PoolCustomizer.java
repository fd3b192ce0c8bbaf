package io.hadr4j.spring;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;

/**
 * Something that changes every endpoint's pool: the Entra ID token callback, the OCI Vault DataSource. Called after
 * the endpoint's own properties and {@code hikari.*} are applied and before the pool is created.
 */
interface PoolCustomizer {

    /**
     * @param property the endpoint's properties, for messages: {@code hadr4j.datasource.endpoints[0]}
     * @throws Hadr4jPropertiesException when the endpoint's properties cannot work with this customizer
     */
    void customize(String property, Hadr4jDataSourceProperties.Endpoint endpoint, HikariConfig config);

    /** The pool of {@code endpoint} was created from the config {@link #customize} saw. */
    default void created(Hadr4jDataSourceProperties.Endpoint endpoint, HikariDataSource pool) {
    }
}
