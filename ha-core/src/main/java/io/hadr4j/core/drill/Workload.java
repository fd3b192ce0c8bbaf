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
 * {@code RegionAwareDataSource}), each layer one operation every {@link Builder#interval(Duration) interval}.
 * A request succeeds when it answers with a 2xx status within the request timeout; a write, when its commit
 * returns. Immutable; {@link Builder#build()} checks it.
 *
 * <pre>{@code
 * Workload w = Workload.custom()
 *         .requests(URI.create("https://orders.azurefd.net/api/info"))
 *         .writes(regionAwareDataSource, WriteTable.SQLSERVER)
 *         .build();
 * }</pre>
 */
public final class Workload {
    private final URI entry;
    private final DataSource writes;
    private final WriteTable table;
    private final Duration interval;
    private final Duration requestTimeout;

    private Workload(Builder b) {
        this.entry = b.entry;
        this.writes = b.writes;
        this.table = b.table;
        this.interval = b.interval;
        this.requestTimeout = b.requestTimeout;
    }

    public static Builder custom() {
        return new Builder();
    }

    /** Writes through {@code dataSource} into {@code table}, with the default interval: a workload for a drill of the database alone. */
    public static Workload writes(DataSource dataSource, WriteTable table) {
        return custom().writes(dataSource, table).build();
    }

    /** The URL requested through the entry, or null when the workload sends no requests. */
    public URI entry() {
        return entry;
    }

    /** Where the writes go, or null when the workload writes nothing. */
    public DataSource writes() {
        return writes;
    }

    public WriteTable table() {
        return table;
    }

    public Duration interval() {
        return interval;
    }

    public Duration requestTimeout() {
        return requestTimeout;
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

    @Override
    public String toString() {
        return "Workload[entry=" + entry + ", writes=" + (writes == null ? "none" : table) + ", interval=" + interval
                + ", requestTimeout=" + requestTimeout + "]";
    }

    public static final class Builder {
        private URI entry;
        private DataSource writes;
        private WriteTable table;
        private Duration interval = Duration.ofMillis(100);
        private Duration requestTimeout = Duration.ofSeconds(2);

        private Builder() {
        }

        /** GET {@code url} again and again; only a 2xx answer within the request timeout counts as a success. */
        public Builder requests(URI url) {
            this.entry = url;
            return this;
        }

        /** Insert sequence-numbered rows into {@code table} through {@code dataSource}, one transaction each. */
        public Builder writes(DataSource dataSource, WriteTable table) {
            this.writes = dataSource;
            this.table = table;
            return this;
        }

        /** The pause between two operations of one layer (default 100 ms). */
        public Builder interval(Duration interval) {
            this.interval = interval;
            return this;
        }

        /** How long one request through the entry may take, connecting included (default 2 s). */
        public Builder requestTimeout(Duration requestTimeout) {
            this.requestTimeout = requestTimeout;
            return this;
        }

        public Workload build() {
            if (entry == null && writes == null) {
                throw new IllegalArgumentException("a workload needs requests(entryUrl), writes(dataSource, table), or both: "
                        + "without either the drill has nothing to measure");
            }
            if (entry != null && (entry.getHost() == null || !("http".equals(entry.getScheme()) || "https".equals(entry.getScheme())))) {
                throw new IllegalArgumentException("requests(url) needs an http(s) URL with a host, such as "
                        + "https://orders.azurefd.net/api/info, got '" + entry + "'");
            }
            if (writes != null && table == null) {
                throw new IllegalArgumentException("writes(dataSource, table) needs the table's database: WriteTable.POSTGRESQL or WriteTable.SQLSERVER");
            }
            requirePositive("interval", interval, "Duration.ofMillis(100)");
            requirePositive("requestTimeout", requestTimeout, "Duration.ofSeconds(2)");
            if (interval.compareTo(Duration.ofMinutes(1)) > 0) {
                throw new IllegalArgumentException("interval " + interval + " is over a minute: a recovery time cannot be measured "
                        + "finer than the interval; use at most a few seconds, such as Duration.ofMillis(100)");
            }
            return new Workload(this);
        }

        static void requirePositive(String what, Duration d, String example) {
            if (d == null || d.isNegative() || d.isZero()) {
                throw new IllegalArgumentException(what + " must be positive, got " + d + "; for example " + example);
            }
        }
    }
}
