package io.hadr4j.spring;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.bind.BindHandler;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.bind.handler.NoUnboundElementsBindHandler;
import org.springframework.boot.context.properties.source.ConfigurationPropertySources;
import org.springframework.boot.env.YamlPropertySourceLoader;
import org.springframework.core.io.ByteArrayResource;

/** The application.yaml of the README's "Spring Boot" section binds as it says, with no key left over, and stays short. */
class ReadmeExampleTest {

    @Test
    void theReadmesApplicationYamlIsValid() throws Exception {
        String readme = Files.readString(Path.of("..", "README.md"));
        int section = readme.indexOf("## Spring Boot: hadr4j-spring-boot-starter");
        int start = readme.indexOf("```yaml\n", section) + "```yaml\n".length();
        String yaml = readme.substring(start, readme.indexOf("```", start));
        assertTrue(yaml.lines().count() <= 15, "at most 15 lines:\n" + yaml);

        var sources = new YamlPropertySourceLoader().load("README", new ByteArrayResource(yaml.getBytes()));
        Binder binder = new Binder(ConfigurationPropertySources.from(sources));
        BindHandler strict = new NoUnboundElementsBindHandler(BindHandler.DEFAULT); // as ignoreUnknownFields = false
        Hadr4jDataSourceProperties ds = binder.bind(Hadr4jDataSourceProperties.PREFIX, Bindable.of(Hadr4jDataSourceProperties.class), strict).get();
        Hadr4jHealthProperties health = binder.bind(Hadr4jHealthProperties.PREFIX, Bindable.of(Hadr4jHealthProperties.class), strict).get();
        EndpointPools.check(ds);
        assertEquals(2, ds.getEndpoints().size());
        assertEquals("southindia", ds.getEndpoints().get(1).getRegion());
        assertEquals("centralindia", ds.getLocalRegion());
        assertEquals(Duration.ofSeconds(35), health.getDrainDelay());
        EndpointPools.routerConfig(ds, null, null); // RouterConfig accepts the rest
    }
}
