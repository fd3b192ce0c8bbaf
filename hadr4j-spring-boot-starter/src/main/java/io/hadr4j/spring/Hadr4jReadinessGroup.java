package io.hadr4j.spring;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

import org.springframework.boot.actuate.endpoint.EndpointId;
import org.springframework.boot.actuate.endpoint.SecurityContext;
import org.springframework.boot.actuate.endpoint.web.AdditionalPathsMapper;
import org.springframework.boot.actuate.endpoint.web.WebServerNamespace;
import org.springframework.boot.actuate.health.AdditionalHealthEndpointPath;
import org.springframework.boot.actuate.health.HealthEndpointGroup;
import org.springframework.boot.actuate.health.HealthEndpointGroups;
import org.springframework.boot.actuate.health.HealthEndpointGroupsPostProcessor;
import org.springframework.boot.actuate.health.HttpCodeStatusMapper;
import org.springframework.boot.actuate.health.StatusAggregator;
import org.springframework.core.Ordered;

/**
 * Puts the {@code hadr4j} contributor into the readiness group, whatever made that group: a readiness group the
 * application configured ({@code management.endpoint.health.group.readiness.include=...}) gets hadr4j as one more
 * member; without one, this adds a readiness group of {@code readinessState} and {@code hadr4j}, which Spring
 * Boot's availability probes (on Kubernetes, or with {@code management.endpoint.health.probes.enabled}) then keep
 * as theirs. It runs just before Boot's own probe post-processor for that reason.
 */
final class Hadr4jReadinessGroup implements HealthEndpointGroupsPostProcessor, Ordered {

    static final String READINESS = "readiness";
    static final String MEMBER = "hadr4j";

    @Override
    public int getOrder() {
        return Ordered.LOWEST_PRECEDENCE - 1;
    }

    @Override
    public HealthEndpointGroups postProcessHealthEndpointGroups(HealthEndpointGroups groups) {
        return new Groups(groups);
    }

    private static final class Groups implements HealthEndpointGroups, AdditionalPathsMapper {
        private final HealthEndpointGroups groups;
        private final HealthEndpointGroup readiness;
        private final Set<String> names;

        Groups(HealthEndpointGroups groups) {
            this.groups = groups;
            HealthEndpointGroup configured = groups.get(READINESS);
            this.readiness = configured != null ? new WithHadr4j(configured) : new ReadinessGroup(groups.getPrimary());
            Set<String> all = new LinkedHashSet<>(groups.getNames());
            all.add(READINESS);
            this.names = Set.copyOf(all);
        }

        @Override
        public HealthEndpointGroup getPrimary() {
            return groups.getPrimary();
        }

        @Override
        public Set<String> getNames() {
            return names;
        }

        @Override
        public HealthEndpointGroup get(String name) {
            return READINESS.equals(name) ? readiness : groups.get(name);
        }

        @Override
        public List<String> getAdditionalPaths(EndpointId endpointId, WebServerNamespace webServerNamespace) {
            return groups instanceof AdditionalPathsMapper m ? m.getAdditionalPaths(endpointId, webServerNamespace) : null;
        }
    }

    /** The application's readiness group, with hadr4j as a member too. */
    private record WithHadr4j(HealthEndpointGroup group) implements HealthEndpointGroup {
        @Override
        public boolean isMember(String name) {
            return MEMBER.equals(name) || group.isMember(name);
        }

        @Override
        public boolean showComponents(SecurityContext securityContext) {
            return group.showComponents(securityContext);
        }

        @Override
        public boolean showDetails(SecurityContext securityContext) {
            return group.showDetails(securityContext);
        }

        @Override
        public StatusAggregator getStatusAggregator() {
            return group.getStatusAggregator();
        }

        @Override
        public HttpCodeStatusMapper getHttpCodeStatusMapper() {
            return group.getHttpCodeStatusMapper();
        }

        @Override
        public AdditionalHealthEndpointPath getAdditionalPath() {
            return group.getAdditionalPath();
        }
    }

    /** readinessState and hadr4j; shown and mapped to HTTP codes as /actuator/health is. */
    private record ReadinessGroup(HealthEndpointGroup primary) implements HealthEndpointGroup {
        @Override
        public boolean isMember(String name) {
            return MEMBER.equals(name) || "readinessState".equals(name);
        }

        @Override
        public boolean showComponents(SecurityContext securityContext) {
            return primary.showComponents(securityContext);
        }

        @Override
        public boolean showDetails(SecurityContext securityContext) {
            return primary.showDetails(securityContext);
        }

        @Override
        public StatusAggregator getStatusAggregator() {
            return primary.getStatusAggregator();
        }

        @Override
        public HttpCodeStatusMapper getHttpCodeStatusMapper() {
            return primary.getHttpCodeStatusMapper();
        }

        @Override
        public AdditionalHealthEndpointPath getAdditionalPath() {
            return null;
        }
    }
}
