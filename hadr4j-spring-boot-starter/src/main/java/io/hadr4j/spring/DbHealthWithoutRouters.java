package io.hadr4j.spring;

import java.sql.SQLException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import javax.sql.DataSource;

import org.springframework.beans.factory.BeanFactory;
import org.springframework.beans.factory.BeanFactoryAware;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.beans.factory.support.SimpleAutowireCandidateResolver;
import org.springframework.boot.actuate.health.CompositeHealthContributor;
import org.springframework.boot.actuate.health.HealthContributor;
import org.springframework.boot.actuate.health.NamedContributor;

import io.hadr4j.core.datasource.RegionAwareDataSource;

/**
 * Keeps hadr4j's DataSources out of Spring Boot's {@code db} health contributor. That contributor runs a
 * validation query on every DataSource bean for every health request; through the router that is a
 * {@code getConnection()}, which while there is no primary waits up to the failover timeout, so a health request
 * would wait on the database. The {@code hadr4j} contributor reports them from the router's snapshot instead.
 * The application's other DataSources keep Boot's check.
 */
final class DbHealthWithoutRouters implements BeanPostProcessor, BeanFactoryAware {

    static final String DB_CONTRIBUTOR = "dbHealthContributor";

    private ConfigurableListableBeanFactory beans;

    @Override
    public void setBeanFactory(BeanFactory beanFactory) {
        this.beans = (ConfigurableListableBeanFactory) beanFactory;
    }

    @Override
    public Object postProcessAfterInitialization(Object bean, String beanName) {
        if (!DB_CONTRIBUTOR.equals(beanName) || !(bean instanceof HealthContributor)) return bean;
        // The DataSources Boot's contributor was made from, found the way it finds them.
        Map<String, DataSource> all = SimpleAutowireCandidateResolver.resolveAutowireCandidates(beans, DataSource.class, false, true);
        Set<String> routers = all.entrySet().stream().filter(e -> isRouter(e.getValue())).map(Map.Entry::getKey).collect(Collectors.toSet());
        if (routers.isEmpty()) return bean;
        if (bean instanceof CompositeHealthContributor composite) {
            Map<String, HealthContributor> kept = new LinkedHashMap<>();
            for (NamedContributor<HealthContributor> c : composite) {
                if (!routers.contains(c.getName())) kept.put(c.getName(), c.getContributor());
            }
            return CompositeHealthContributor.fromMap(kept); // empty: Boot leaves "db" out of the response
        }
        // Not a composite: Boot made it for the only DataSource there is.
        return all.size() == 1 ? CompositeHealthContributor.fromMap(Map.of()) : bean;
    }

    static boolean isRouter(DataSource ds) {
        try {
            return ds instanceof RegionAwareDataSource || ds.isWrapperFor(RegionAwareDataSource.class);
        } catch (SQLException | RuntimeException e) {
            return false;
        }
    }
}
