package io.hadr4j.spring;

import org.springframework.boot.actuate.autoconfigure.health.ConditionalOnEnabledHealthIndicator;
import org.springframework.boot.actuate.health.HealthIndicator;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import com.oracle.bmc.auth.AbstractAuthenticationDetailsProvider;
import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;

import io.hadr4j.core.health.HealthCheck;
import io.hadr4j.oci.OciAuth;
import io.hadr4j.oci.OciConnection;
import io.hadr4j.oci.OciException;
import io.hadr4j.oci.VaultCredentials;

/**
 * {@code hadr4j.datasource.oci.vault-secret-id=ocid1.vaultsecret...}: every endpoint's pool opens its connections
 * with the user and password of that OCI Vault secret ({@link VaultCredentials}, read at startup, again every
 * refresh interval and when the database refuses them), and retires the connections opened with an old password
 * once a new one works. The secret is read by the application's {@link OciConnection} bean when it has one, else by
 * one built from {@code hadr4j.datasource.oci.*} (instance principal by default).
 */
@AutoConfiguration(before = Hadr4jDataSourceAutoConfiguration.class)
@ConditionalOnClass(VaultCredentials.class)
@ConditionalOnProperty(prefix = Hadr4jOciAutoConfiguration.PREFIX, name = "vault-secret-id")
@EnableConfigurationProperties(Hadr4jDataSourceProperties.class)
public class Hadr4jOciAutoConfiguration {

    static final String PREFIX = Hadr4jDataSourceProperties.PREFIX + ".oci";

    /** Before any call to OCI: an endpoint with its own user or password conflicts with the secret. */
    static void checkNoCredentials(Hadr4jDataSourceProperties properties) {
        for (int i = 0; i < properties.getEndpoints().size(); i++) {
            Hadr4jDataSourceProperties.Endpoint e = properties.getEndpoints().get(i);
            if (e != null && (e.getUsername() != null || e.getPassword() != null)) {
                throw new Hadr4jPropertiesException(EndpointPools.property(i) + (e.getPassword() != null ? ".password" : ".username"),
                        "is set while " + PREFIX + ".vault-secret-id is", "remove it: the user and password come from the Vault secret");
            }
        }
    }

    @Bean
    @ConditionalOnMissingBean
    OciConnection hadr4jOciConnection(Hadr4jDataSourceProperties properties) {
        checkNoCredentials(properties);
        Hadr4jDataSourceProperties.Oci oci = properties.getOci();
        AbstractAuthenticationDetailsProvider auth;
        try {
            auth = switch (oci.getAuth()) {
                case INSTANCE_PRINCIPAL -> OciAuth.instancePrincipal();
                case RESOURCE_PRINCIPAL -> OciAuth.resourcePrincipal();
                case CONFIG_FILE -> OciAuth.configFile(oci.getConfigFile(), oci.getProfile());
            };
        } catch (OciException e) {
            throw new Hadr4jPropertiesException(PREFIX + ".auth", "is " + oci.getAuth().name().toLowerCase().replace('_', '-') + ", and "
                    + e.getMessage(), "set " + PREFIX + ".auth to how this application signs its OCI requests: instance-principal on a "
                    + "Compute instance, resource-principal in Functions or Container Instances, config-file with " + PREFIX + ".config-file");
        }
        try {
            OciConnection.Builder b = OciConnection.custom().authentication(auth);
            if (oci.getEndpoint() != null) b.endpoint(oci.getEndpoint());
            if (oci.getRegion() != null) b.region(oci.getRegion());
            return b.build();
        } catch (IllegalArgumentException e) {
            String property = e.getMessage() != null && e.getMessage().startsWith("endpoint") ? PREFIX + ".endpoint" : PREFIX + ".region";
            throw new Hadr4jPropertiesException(property, e.getMessage(), "correct " + property, e);
        }
    }

    /** Read once here: a Vault that cannot be read stops the application with an OciException that says what to check. */
    @Bean(destroyMethod = "close")
    @ConditionalOnMissingBean
    VaultCredentials hadr4jVaultCredentials(Hadr4jDataSourceProperties properties, OciConnection connection) {
        Hadr4jDataSourceProperties.Oci oci = properties.getOci();
        checkNoCredentials(properties);
        VaultCredentials vault;
        try {
            vault = VaultCredentials.custom().connection(connection).secretId(oci.getVaultSecretId()).username(oci.getUsername())
                    .refreshInterval(oci.getRefreshInterval()).build();
        } catch (IllegalArgumentException e) {
            String property = e.getMessage() != null && e.getMessage().startsWith("refreshInterval") ? PREFIX + ".refresh-interval" : PREFIX + ".vault-secret-id";
            throw new Hadr4jPropertiesException(property, e.getMessage(), "correct " + property, e);
        }
        return vault.start();
    }

    @Bean
    PoolCustomizer hadr4jVaultPools(VaultCredentials vault) {
        return new PoolCustomizer() {
            @Override
            public void customize(String property, Hadr4jDataSourceProperties.Endpoint endpoint, HikariConfig config) {
                try {
                    config.setDataSource(vault.dataSource(endpoint.getUrl(), config.getDataSourceProperties()));
                } catch (IllegalArgumentException e) {
                    throw new Hadr4jPropertiesException(property + ".url", e.getMessage(), "remove the credentials from the URL and "
                            + property + ".hikari.data-source-properties");
                }
                config.setJdbcUrl(null);
                config.setUsername(null);
                config.setPassword(null);
            }

            @Override
            public void created(Hadr4jDataSourceProperties.Endpoint endpoint, HikariDataSource pool) {
                vault.onRotation(c -> pool.getHikariPoolMXBean().softEvictConnections());
            }
        };
    }

    /** {@code hadr4jVault} in the health endpoint: the secret's OCID, the version in use, and whether reads fail (never the content). */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(name = {"org.springframework.boot.actuate.health.HealthIndicator",
            "org.springframework.boot.actuate.autoconfigure.health.ConditionalOnEnabledHealthIndicator"})
    static class VaultHealth {

        @Bean
        @ConditionalOnEnabledHealthIndicator("hadr4jVault")
        HealthIndicator hadr4jVaultHealthIndicator(VaultCredentials vault) {
            HealthCheck check = vault.healthCheck();
            return () -> Hadr4jHealthIndicator.of(check, false);
        }
    }
}
