package io.hadr4j.core.drill;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * What a drill command hands back: a report that writes itself as a JSON file and a self-contained HTML page, and
 * whether it met its objectives. One drill's {@link DrillReport}, or a {@link DrillComparison} of several.
 */
public interface DrillOutcome {

    /** Whether every measured step met its objectives. */
    boolean passed();

    /** A few lines for a terminal: each step's or run's figures, and the verdict. */
    String summary();

    /** The names of the files {@link #write} writes: the JSON file first, then the HTML page. */
    List<String> files();

    /** Writes {@link #files()} into {@code dir} (created when missing) and returns the HTML page. */
    Path write(Path dir) throws IOException;
}
