package io.hadr4j.spring.testapp;

import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * The Spring Boot application of the tests: a JPA entity and its Spring Data repository, Flyway migrations in
 * db/migration, a plain endpoint, and hadr4j from the starter as its DataSource.
 */
@SpringBootApplication
public class TestApplication {

    @RestController
    static class Hello {
        @GetMapping("/hello")
        String hello() {
            return "hello";
        }
    }
}
