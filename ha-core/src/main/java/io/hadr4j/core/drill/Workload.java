package io.hadr4j.core.drill;

import io.hadr4j.core.Secrets;

import javax.sql.DataSource;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The steady traffic a drill measures while its steps act: requests through an entry URL (the global entry:
 * Front Door, a load balancer), and sequence-numbered writes through a {@code DataSource} (normally a
 * {@code RegionAwareDataSource}) into a {@link WriteTable}, each layer one operation every {@code interval}
 * ({@value #DEFAULT_INTERVAL_MILLIS} ms unless {@link #timing set}). A request succeeds when it answers with a 2xx
 * status within {@code requestTimeout} (connecting included); a write, when its commit returns within
 * {@code requestTimeout} (a slower write is still acknowledged, and counted as such, but it failed whoever waited on it:
 * a DataSource that waits for a new primary stalls writes instead of failing them). A failed operation counts as
 * failing from its start. Immutable and checked when made.
 *
 * <pre>{@code
 * Workload w = Workload.of(URI.create("https://orders.azurefd.net/api/info"), regionAwareDataSource, WriteTable.SQLSERVER);
 * Workload writesOnly = Workload.writes(regionAwareDataSource, WriteTable.POSTGRESQL);
 * }</pre>
 *
 * @param entry  the URL requested through the entry, or null when the workload sends no requests
 * @param writes where the writes go, or null when the workload writes nothing
 */
public record Workload(URI entry, DataSource writes, WriteTable table, Duration interval, Duration requestTimeout) {
    static final long DEFAULT_INTERVAL_MILLIS = 100;
    static final Duration DEFAULT_REQUEST_TIMEOUT = Duration.ofSeconds(2);

    public Workload {
        Check.that(entry != null || writes != null, "a workload needs an entry URL to request, a DataSource to write through, or both: "
                + "without either the drill has nothing to measure");
        Check.that(entry == null || entry.getHost() != null && ("http".equals(entry.getScheme()) || "https".equals(entry.getScheme())),
                "the entry needs an http(s) URL with a host, such as https://orders.azurefd.net/api/info, got '" + entry + "'");
        Check.that(writes == null || table != null, "writes need the table's database: WriteTable.POSTGRESQL or WriteTable.SQLSERVER");
        Check.positive("interval", interval, "Duration.ofMillis(100)");
        Check.positive("requestTimeout", requestTimeout, "Duration.ofSeconds(2)");
        Check.that(interval.compareTo(Duration.ofMinutes(1)) <= 0, "interval " + interval + " is over a minute: a recovery time "
                + "cannot be measured finer than the interval; use at most a few seconds, such as Duration.ofMillis(100)");
    }

    /** Requests through {@code entry}, and writes through {@code writes} into {@code table}; either may be null (not both). */
    public static Workload of(URI entry, DataSource writes, WriteTable table) {
        return new Workload(entry, writes, table, Duration.ofMillis(DEFAULT_INTERVAL_MILLIS), DEFAULT_REQUEST_TIMEOUT);
    }

    /** Writes alone: a drill of the database layer. */
    public static Workload writes(DataSource dataSource, WriteTable table) {
        return of(null, dataSource, table);
    }

    /** Requests alone: a drill of what users see. */
    public static Workload requests(URI entry) {
        return of(entry, null, null);
    }

    /** This workload with another pause between two operations of a layer, and another timeout of one request. */
    public Workload timing(Duration interval, Duration requestTimeout) {
        return new Workload(entry, writes, table, interval, requestTimeout);
    }

    /** The layers this workload measures, in report order. */
    public List<Layer> layers() {
        List<Layer> layers = new ArrayList<>(2);
        if (entry != null) {
            layers.add(Layer.ENTRY);
        }
        if (writes != null) {
            layers.add(Layer.DB_WRITE);
        }
        return layers;
    }

    /** The entry masked ({@link Secrets#mask}), and no DataSource's own text. */
    @Override
    public String toString() {
        return "Workload[entry=" + (entry == null ? "none" : Secrets.mask(entry.toString())) + ", writes=" + (writes == null ? "none" : table)
                + ", interval=" + interval + ", requestTimeout=" + requestTimeout + "]";
    }
}
