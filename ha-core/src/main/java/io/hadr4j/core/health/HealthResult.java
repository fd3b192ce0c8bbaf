package io.hadr4j.core.health;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

import io.hadr4j.core.Secrets;

/**
 * What one evaluation of a check found: a status and data. Immutable.
 *
 * <p>Data values are kept as the MicroProfile Health wire format allows them: strings, booleans and numbers;
 * any other value is stored as its {@code toString()}, {@code null} values are left out. Secrets never get in:
 * a value whose key looks like a password, secret, token, credential, private or key is replaced by {@value #MASK}, and
 * {@code password=...}-style fragments inside string values (for example in an error message that quotes a
 * connection string) are masked too.
 */
public final class HealthResult {

    /** What replaces a secret value. */
    public static final String MASK = Secrets.MASK;


    private static final HealthResult UP = new HealthResult(HealthStatus.UP, Map.of());
    private static final HealthResult DOWN = new HealthResult(HealthStatus.DOWN, Map.of());

    private final HealthStatus status;
    private final Map<String, Object> data;

    private HealthResult(HealthStatus status, Map<String, Object> data) {
        this.status = status;
        this.data = data;
    }

    public static HealthResult up() {
        return UP;
    }

    public static HealthResult down() {
        return DOWN;
    }

    public static HealthResult of(HealthStatus status) {
        return status == HealthStatus.UP ? UP : DOWN;
    }

    /** A result with the given data (copied, normalised and masked as described in the class comment). */
    public static HealthResult of(HealthStatus status, Map<String, ?> data) {
        Objects.requireNonNull(status, "status");
        if (data == null || data.isEmpty()) {
            return of(status);
        }
        Map<String, Object> copy = new LinkedHashMap<>();
        data.forEach((k, v) -> put(copy, k, v));
        return new HealthResult(status, Collections.unmodifiableMap(copy));
    }

    /** A DOWN result whose data says what went wrong ({@code error}: the exception's class and message). */
    public static HealthResult down(Throwable error) {
        return down().withData("error", describe(error));
    }

    /** The exception's simple class name and message, as reported in {@code error}. */
    static String describe(Throwable error) {
        String message = error.getMessage();
        return error.getClass().getSimpleName() + (message == null ? "" : ": " + message);
    }

    /** A copy of this result with one more data entry. */
    public HealthResult withData(String key, Object value) {
        Map<String, Object> copy = new LinkedHashMap<>(data);
        put(copy, key, value);
        return new HealthResult(status, Collections.unmodifiableMap(copy));
    }

    public HealthStatus status() {
        return status;
    }

    /** The data, in insertion order; unmodifiable. Values are {@link String}, {@link Boolean} or {@link Number}. */
    public Map<String, Object> data() {
        return data;
    }

    private static void put(Map<String, Object> target, String key, Object value) {
        Objects.requireNonNull(key, "data key");
        if (value == null) {
            target.remove(key);
        } else if (Secrets.isSecretName(key)) {
            target.put(key, MASK);
        } else {
            target.put(key, normalise(value));
        }
    }

    private static Object normalise(Object value) {
        if (value instanceof Boolean) {
            return value;
        }
        if (value instanceof Integer || value instanceof Long || value instanceof Short || value instanceof Byte
                || value instanceof BigInteger || value instanceof BigDecimal) {
            return value;
        }
        if (value instanceof Double || value instanceof Float) {
            double d = ((Number) value).doubleValue();
            return Double.isFinite(d) ? value : String.valueOf(d);
        }
        return maskSecretsIn(String.valueOf(value));
    }

    /** Masks {@code password=...}, {@code token: ...} and similar fragments inside free text. */
    static String maskSecretsIn(String text) {
        return Secrets.mask(text);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof HealthResult && ((HealthResult) o).status == status && ((HealthResult) o).data.equals(data);
    }

    @Override
    public int hashCode() {
        return status.hashCode() * 31 + data.hashCode();
    }

    @Override
    public String toString() {
        return status + (data.isEmpty() ? "" : " " + data);
    }
}
