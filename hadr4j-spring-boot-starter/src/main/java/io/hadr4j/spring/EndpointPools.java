package io.hadr4j.spring;

import static io.hadr4j.spring.Hadr4jDataSourceProperties.PREFIX;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

import org.springframework.boot.context.properties.bind.BindException;
import org.springframework.boot.context.properties.bind.BindHandler;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.bind.UnboundConfigurationPropertiesException;
import org.springframework.boot.context.properties.bind.handler.NoUnboundElementsBindHandler;
import org.springframework.boot.context.properties.source.ConfigurationProperty;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;

import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import io.github.resilience4j.retry.RetryRegistry;
import io.hadr4j.core.Secrets;
import io.hadr4j.core.datasource.Endpoint;
import io.hadr4j.core.datasource.RouterConfig;

/**
 * From {@code hadr4j.datasource.*} to what {@code RegionAwareDataSource.create} takes: the checks that name the
 * property, the {@link RouterConfig}, and one HikariCP pool per endpoint. Everything is checked before the first pool
 * is created, so a bad property never leaves a pool (or a connection attempt) behind.
 */
final class EndpointPools {

    /** Examples for the durations and files RouterConfig checks, in property syntax. */
    private static final Map<String, String> EXAMPLES = Map.of("probe-interval", "1s", "probe-timeout", "2s",
            "failover-timeout", "30s", "max-read-lag", "5s", "epoch-file", "/var/lib/app/hadr4j.epoch", "name", "orders-db",
            "local-region", "centralindia");

    private EndpointPools() {
    }

    /** Checks what RouterConfig cannot know about: the endpoints, and that the local region is one of theirs. */
    static void check(Hadr4jDataSourceProperties p) {
        List<Hadr4jDataSourceProperties.Endpoint> endpoints = p.getEndpoints();
        if (endpoints == null || endpoints.isEmpty()) {
            throw new Hadr4jPropertiesException(PREFIX + ".endpoints", "no endpoint is configured",
                    "set at least one endpoint, for example " + PREFIX + ".endpoints[0].name=a, " + PREFIX + ".endpoints[0].region=centralindia and "
                            + PREFIX + ".endpoints[0].url=jdbc:postgresql://db-a:5432/app (or set " + PREFIX + ".enabled=false to build the DataSource yourself)");
        }
        Map<String, Integer> names = new HashMap<>();
        for (int i = 0; i < endpoints.size(); i++) {
            Hadr4jDataSourceProperties.Endpoint e = endpoints.get(i);
            String at = property(i);
            if (e == null || blank(e.getName())) {
                throw new Hadr4jPropertiesException(at + ".name", "is missing", "give every endpoint a unique name, for example " + at + ".name=b");
            }
            Integer other = names.putIfAbsent(e.getName(), i);
            if (other != null) {
                throw new Hadr4jPropertiesException(at + ".name", "'" + e.getName() + "' is also the name of " + property(other),
                        "give every endpoint a name of its own");
            }
            if (blank(e.getRegion())) {
                throw new Hadr4jPropertiesException(at + ".region", "is missing for endpoint '" + e.getName() + "'",
                        "set the region its server is in, for example " + at + ".region=southindia");
            }
            if (blank(e.getUrl())) {
                throw new Hadr4jPropertiesException(at + ".url", "is missing for endpoint '" + e.getName() + "'",
                        "set the JDBC URL of its server, for example " + at + ".url=jdbc:postgresql://db-b:5432/app");
            }
            if (e.getPriority() < 0) {
                throw new Hadr4jPropertiesException(at + ".priority", "is " + e.getPriority() + " for endpoint '" + e.getName() + "'",
                        "set 0 or more (lower is preferred for reads)");
            }
        }
        String local = p.getLocalRegion();
        if (local != null && endpoints.stream().noneMatch(e -> local.equals(e.getRegion()))) {
            String regions = endpoints.stream().map(Hadr4jDataSourceProperties.Endpoint::getRegion).distinct().collect(Collectors.joining(", "));
            throw new Hadr4jPropertiesException(PREFIX + ".local-region", "'" + local + "' is not the region of any endpoint (they are in "
                    + regions + ")", "set it to the region this application runs in, one of " + regions
                    + ", or leave it unset to resolve it from HADR_REGION or the cloud's instance metadata");
        }
    }

    /** The router's config; RouterConfig's own checks come back naming the property they are about. */
    static RouterConfig routerConfig(Hadr4jDataSourceProperties p, CircuitBreakerRegistry breakers, RetryRegistry retries) {
        try {
            return RouterConfig.custom().name(p.getName()).localRegion(p.getLocalRegion()).probeInterval(p.getProbeInterval())
                    .probeTimeout(p.getProbeTimeout()).failoverTimeout(p.getFailoverTimeout()).maxReadLag(p.getMaxReadLag())
                    .epochFile(p.getEpochFile()).evictOnPromotion(p.isEvictOnPromotion()).closeDataSourcesOnClose(true)
                    .circuitBreakerRegistry(breakers).retryRegistry(retries).build();
        } catch (IllegalArgumentException e) {
            String field = e.getMessage() == null ? "" : e.getMessage().split("[ (]", 2)[0];
            String kebab = field.replaceAll("([a-z])([A-Z])", "$1-$2").toLowerCase(Locale.ROOT);
            String property = EXAMPLES.containsKey(kebab) ? PREFIX + "." + kebab : PREFIX;
            String example = EXAMPLES.get(kebab);
            throw new Hadr4jPropertiesException(property, e.getMessage(),
                    "set " + property + (example != null ? ", for example " + property + "=" + example : ""), e);
        }
    }

    /**
     * One pool per endpoint, in order. A pool that cannot be created closes those made before it. Customizers run
     * after the endpoint's properties and {@code hikari.*} are applied, in their order.
     */
    static List<Endpoint> create(Hadr4jDataSourceProperties p, Binder binder, List<PoolCustomizer> customizers) {
        List<HikariDataSource> made = new ArrayList<>();
        List<Endpoint> out = new ArrayList<>();
        try {
            for (int i = 0; i < p.getEndpoints().size(); i++) {
                Hadr4jDataSourceProperties.Endpoint e = p.getEndpoints().get(i);
                String at = property(i);
                HikariConfig h = hikariConfig(p, e, at, binder);
                for (PoolCustomizer c : customizers) c.customize(at, e, h);
                HikariDataSource pool;
                try {
                    pool = new HikariDataSource(h);
                } catch (RuntimeException x) { // HikariCP's message may quote the URL: masked, and not kept as the cause
                    throw new Hadr4jPropertiesException(at + ".url", "HikariCP could not create the pool of endpoint '" + e.getName() + "': "
                            + Secrets.safeMessage(x), "check the URL, that its JDBC driver is on the class path, and " + at + ".hikari.*");
                }
                made.add(pool);
                for (PoolCustomizer c : customizers) c.created(e, pool);
                out.add(Endpoint.of(e.getName(), e.getRegion(), pool, e.getPriority()));
            }
            return out;
        } catch (RuntimeException x) {
            made.forEach(HikariDataSource::close);
            throw x;
        }
    }

    private static HikariConfig hikariConfig(Hadr4jDataSourceProperties p, Hadr4jDataSourceProperties.Endpoint e, String at, Binder binder) {
        HikariConfig h = new HikariConfig();
        h.setPoolName(p.getName() + "-" + e.getName());
        h.setInitializationFailTimeout(-1); // a server that is down at startup is the router's business, not a reason to stop
        h.setJdbcUrl(e.getUrl());
        h.setUsername(e.getUsername());
        h.setPassword(e.getPassword());
        try {
            binder.bind(at + ".hikari", Bindable.ofInstance(h), new NoUnboundElementsBindHandler(BindHandler.DEFAULT));
        } catch (BindException x) {
            if (x.getCause() instanceof UnboundConfigurationPropertiesException u) {
                String unknown = u.getUnboundProperties().stream().map(c -> c.getName().toString()).sorted().collect(Collectors.joining(", "));
                throw new Hadr4jPropertiesException(unknown, "is not a HikariCP setting",
                        "use HikariConfig's property names in kebab case, for example " + at + ".hikari.maximum-pool-size=10");
            }
            ConfigurationProperty bad = x.getProperty();
            String name = bad != null ? bad.getName().toString() : at + ".hikari";
            throw new Hadr4jPropertiesException(name, "cannot be applied to HikariCP (" + Secrets.safeMessage(x.getCause() != null ? x.getCause() : x) + ")",
                    "give it a value of the setting's type: a number for counts and milliseconds, true or false for switches");
        }
        return h;
    }

    static String property(int i) {
        return PREFIX + ".endpoints[" + i + "]";
    }

    private static boolean blank(String s) {
        return s == null || s.isBlank();
    }

    /** For messages: a duration as Spring writes it in properties. */
    static String text(Duration d) {
        return d == null ? "unset" : d.toMillis() % 1000 == 0 ? d.toSeconds() + "s" : d.toMillis() + "ms";
    }
}
