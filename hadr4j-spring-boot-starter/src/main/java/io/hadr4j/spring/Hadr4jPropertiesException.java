package io.hadr4j.spring;

/**
 * A {@code hadr4j.*} property that cannot work: thrown while the application starts, so that it stops with a message
 * that names the property and says what to set instead ({@link Hadr4jFailureAnalyzer} prints both).
 */
public final class Hadr4jPropertiesException extends IllegalArgumentException {

    private static final long serialVersionUID = 1L;

    private final String property;
    private final String problem;
    private final String action;

    Hadr4jPropertiesException(String property, String problem, String action) {
        this(property, problem, action, null);
    }

    Hadr4jPropertiesException(String property, String problem, String action, Throwable cause) {
        super(property + ": " + problem + "; " + action, cause);
        this.property = property;
        this.problem = problem;
        this.action = action;
    }

    /** The full name of the property, for example {@code hadr4j.datasource.endpoints[1].name}. */
    public String property() {
        return property;
    }

    /** What is wrong with it. */
    public String problem() {
        return problem;
    }

    /** What to set instead. */
    public String action() {
        return action;
    }
}
