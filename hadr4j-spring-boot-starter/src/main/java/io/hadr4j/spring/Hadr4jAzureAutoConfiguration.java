package io.hadr4j.spring;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;

import com.azure.core.credential.TokenCredential;
import com.zaxxer.hikari.HikariConfig;

import io.hadr4j.azure.AzureSqlTokenCallback;

/**
 * {@code hadr4j.datasource.azure.entra-id=true}: every endpoint's pool signs in to Azure SQL with an Entra ID token
 * ({@link AzureSqlTokenCallback}, one for all pools) instead of a user and password. The credential is the
 * application's {@link TokenCredential} bean when it has one (Spring Cloud Azure makes one), else a managed identity
 * with {@code managed-identity-client-id}, else {@code DefaultAzureCredential}.
 */
@AutoConfiguration(before = Hadr4jDataSourceAutoConfiguration.class)
@ConditionalOnClass(AzureSqlTokenCallback.class)
@ConditionalOnProperty(prefix = Hadr4jDataSourceProperties.PREFIX + ".azure", name = "entra-id", havingValue = "true")
@EnableConfigurationProperties(Hadr4jDataSourceProperties.class)
public class Hadr4jAzureAutoConfiguration {

    static final String PREFIX = Hadr4jDataSourceProperties.PREFIX + ".azure";

    @Bean
    @ConditionalOnMissingBean
    AzureSqlTokenCallback hadr4jAzureSqlTokenCallback(Hadr4jDataSourceProperties properties, ObjectProvider<TokenCredential> credential) {
        Hadr4jDataSourceProperties.Azure azure = properties.getAzure();
        AzureSqlTokenCallback.Builder b = AzureSqlTokenCallback.custom();
        TokenCredential given = credential.getIfAvailable(); // several: Spring says which, unless one is @Primary
        if (given != null && azure.getManagedIdentityClientId() != null) {
            throw new Hadr4jPropertiesException(PREFIX + ".managed-identity-client-id", "is set, and so is a TokenCredential bean",
                    "remove the property (the TokenCredential bean signs in) or the bean");
        }
        try {
            if (given != null) b.credential(given);
            if (azure.getManagedIdentityClientId() != null) b.managedIdentityClientId(azure.getManagedIdentityClientId());
            return b.timeout(azure.getTokenTimeout()).build();
        } catch (IllegalArgumentException e) {
            String property = e.getMessage() != null && e.getMessage().startsWith("timeout") ? PREFIX + ".token-timeout" : PREFIX + ".managed-identity-client-id";
            throw new Hadr4jPropertiesException(property, e.getMessage(), "correct " + property, e);
        }
    }

    @Bean
    PoolCustomizer hadr4jEntraIdPools(AzureSqlTokenCallback tokens) {
        return new PoolCustomizer() {
            @Override
            public void customize(String property, Hadr4jDataSourceProperties.Endpoint endpoint, HikariConfig config) {
                if (endpoint.getUsername() != null || endpoint.getPassword() != null) {
                    throw new Hadr4jPropertiesException(property + (endpoint.getPassword() != null ? ".password" : ".username"),
                            "is set while " + PREFIX + ".entra-id=true", "remove it: the Entra ID token replaces the user and the password");
                }
                try {
                    tokens.configure(config, endpoint.getUrl());
                } catch (IllegalArgumentException e) {
                    throw new Hadr4jPropertiesException(property + ".url", e.getMessage(), "give the server's mssql-jdbc URL without a user, "
                            + "password or authentication, for example jdbc:sqlserver://orders-cin.database.windows.net:1433;databaseName=orders;encrypt=true");
                }
            }
        };
    }
}
