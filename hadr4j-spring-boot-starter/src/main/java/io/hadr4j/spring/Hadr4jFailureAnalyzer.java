package io.hadr4j.spring;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/** Turns a {@link Hadr4jPropertiesException} into Spring Boot's "APPLICATION FAILED TO START" report: what, then what to do. */
final class Hadr4jFailureAnalyzer extends AbstractFailureAnalyzer<Hadr4jPropertiesException> {

    @Override
    protected FailureAnalysis analyze(Throwable rootFailure, Hadr4jPropertiesException cause) {
        return new FailureAnalysis("hadr4j cannot start with property " + cause.property() + ": " + cause.problem() + ".",
                cause.action() + ".", cause);
    }
}
