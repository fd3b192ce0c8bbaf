package io.hadr4j.core.datasource;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.Proxy;
import java.sql.CallableStatement;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLClientInfoException;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.retry.Retry;

/**
 * The hand-written JDBC delegates are checked against the JDBC interfaces themselves: every method of
 * {@link Connection}, {@link Statement}, {@link PreparedStatement}, {@link CallableStatement}, {@link ResultSet} and
 * {@link DatabaseMetaData} (those the JDK 17 this runs on declares, default methods included) must be declared by
 * its router class, must refuse to reach a fenced endpoint, and must hand a driver's {@link SQLException} to the
 * router's error check and rethrow that same exception. A method added to a JDBC interface, or a delegate written
 * without the check, fails here.
 *
 * <p>The "driver" is a {@link Proxy} that records each call and throws a connection-lost error: this test is
 * about the wrappers' shape, not a database's behaviour (which the integration tests cover on PostgreSQL).
 */
class JdbcDelegationTest {

    /** Methods that deliberately skip the fence: they only release or describe what the caller holds. */
    private static final Set<String> NEVER_FENCED = Set.of("close", "isClosed", "abort", "unwrap", "isWrapperFor",
            "getConnection", "getStatement");
    /** Methods that deliberately skip the error check: they never reach the server through this object. */
    private static final Set<String> NOT_CHECKED = Set.of("abort", "unwrap", "isWrapperFor", "getConnection", "getStatement");
    /** A connection's own close() and isClosed() hand errors back as they are: the pool, not the router, owns them. */
    private static final Set<String> CONNECTION_NOT_CHECKED = Set.of("close", "isClosed");
    /** A result's rows are already here: only the three methods that write through it are fenced. */
    private static final Set<String> RESULT_SET_FENCED = Set.of("insertRow", "updateRow", "deleteRow");

    /** Whether the delegate must refuse {@code m} on a fenced endpoint (the rules in each router class's javadoc). */
    private static boolean fenced(Api api, Method m) {
        if (NEVER_FENCED.contains(m.getName()) || !throwsSqlException(m)) return false;
        return switch (api) {
            case RESULT_SET -> RESULT_SET_FENCED.contains(m.getName());
            case METADATA -> ResultSet.class.isAssignableFrom(m.getReturnType()); // the methods that query the server
            default -> true;
        };
    }

    private static boolean checked(Api api, Method m) {
        if (NOT_CHECKED.contains(m.getName()) || !throwsSqlException(m)) return false;
        return api != Api.CONNECTION || !CONNECTION_NOT_CHECKED.contains(m.getName());
    }

    private static boolean throwsSqlException(Method m) {
        for (Class<?> t : m.getExceptionTypes()) {
            if (t.isAssignableFrom(SQLException.class)) return true;
        }
        return false;
    }

    private static Router router;
    private static Endpoint endpoint;

    enum Api {
        CONNECTION(Connection.class, RouterConnection.class, (c, raw) -> c),
        STATEMENT(Statement.class, RouterStatement.class, (c, raw) -> new RouterStatement(c, (Statement) raw)),
        PREPARED(PreparedStatement.class, RouterPreparedStatement.class, (c, raw) -> new RouterPreparedStatement(c, (PreparedStatement) raw)),
        CALLABLE(CallableStatement.class, RouterCallableStatement.class, (c, raw) -> new RouterCallableStatement(c, (CallableStatement) raw)),
        RESULT_SET(ResultSet.class, RouterResultSet.class, (c, raw) -> RouterResultSet.wrap(c, null, (ResultSet) raw)),
        METADATA(DatabaseMetaData.class, RouterDatabaseMetaData.class, (c, raw) -> new RouterDatabaseMetaData(c, (DatabaseMetaData) raw));

        final Class<?> jdbc;
        final Class<?> wrapper;
        final Wrap wrap;

        Api(Class<?> jdbc, Class<?> wrapper, Wrap wrap) {
            this.jdbc = jdbc;
            this.wrapper = wrapper;
            this.wrap = wrap;
        }
    }

    interface Wrap {
        Object of(RouterConnection c, Object raw);
    }

    /** A driver object: records every call, throws a new connection-lost error from each but abort/close. */
    static final class Driver {
        final List<String> calls = new CopyOnWriteArrayList<>();
        volatile SQLException thrown;

        Object proxy(Class<?> iface) {
            return Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {iface}, (p, m, args) -> {
                calls.add(m.getName());
                switch (m.getName()) {
                    case "abort":
                        return null;
                    case "toString":
                        return "driver " + iface.getSimpleName();
                    case "hashCode":
                        return System.identityHashCode(p);
                    case "equals":
                        return p == args[0];
                    default:
                        thrown = Arrays.asList(m.getExceptionTypes()).contains(SQLClientInfoException.class)
                                ? new SQLClientInfoException("connection lost in " + m.getName(), "08006", 0, Map.of())
                                : new SQLException("connection lost in " + m.getName(), "08006");
                        if (!throwsSqlException(m)) throw new IllegalStateException("not a JDBC call that can fail: " + m);
                        throw thrown;
                }
            });
        }
    }

    @BeforeAll
    static void router() {
        RouterConfig config = RouterConfig.custom().name("delegation").localRegion("r1").dialect(Dialect.POSTGRESQL).build();
        endpoint = Endpoint.of("e", "r1", new RouterWithoutDatabaseTest.Unreachable());
        router = new Router(config, "r1", List.of(endpoint)); // never started: the delegates need only its error check
    }

    @AfterAll
    static void close() {
        router.close();
    }

    private static Router.Node node(boolean fenced) {
        Router.Node n = new Router.Node(router, endpoint, CircuitBreaker.ofDefaults("delegation-e"), Retry.ofDefaults("delegation-e"));
        n.fenced = fenced;
        return n;
    }

    private static List<Method> methods(Class<?> jdbc) {
        List<Method> out = new ArrayList<>();
        for (Method m : jdbc.getMethods()) {
            if (Modifier.isStatic(m.getModifiers()) || m.getDeclaringClass() == Object.class) continue;
            out.add(m);
        }
        assertTrue(out.size() > 10, jdbc + " has methods");
        return out;
    }

    private static Object[] arguments(Method m) {
        Class<?>[] types = m.getParameterTypes();
        Object[] args = new Object[types.length];
        for (int i = 0; i < types.length; i++) {
            Class<?> t = types[i];
            if (t == boolean.class) args[i] = false;
            else if (t == int.class) args[i] = 1;
            else if (t == long.class) args[i] = 1L;
            else if (t == short.class) args[i] = (short) 1;
            else if (t == byte.class) args[i] = (byte) 1;
            else if (t == double.class) args[i] = 1d;
            else if (t == float.class) args[i] = 1f;
            else if (t == Class.class) args[i] = Object.class;
            else if (t == String.class) args[i] = "x";
            else args[i] = null;
        }
        return args;
    }

    /** What invoking {@code m} on the wrapper threw (null if it returned). */
    private static Throwable invoke(Object wrapper, Method m) {
        try {
            m.invoke(wrapper, arguments(m));
            return null;
        } catch (InvocationTargetException e) {
            return e.getCause();
        } catch (IllegalAccessException e) {
            throw new AssertionError(e);
        }
    }

    private static Object wrapper(Api api, Router.Node node, Driver driver) {
        if (api == Api.CONNECTION) {
            RouterConnection c = new RouterConnection(node, false, (Connection) driver.proxy(Connection.class));
            RAW.put(c, driver);
            return c;
        }
        Driver connection = new Driver();
        RouterConnection c = new RouterConnection(node, false, (Connection) connection.proxy(Connection.class));
        RAW.put(c, connection);
        return api.wrap.of(c, driver.proxy(api.jdbc));
    }

    @ParameterizedTest
    @EnumSource(Api.class)
    void everyMethodOfTheInterfaceIsDeclaredByItsRouterClass(Api api) {
        List<String> missing = new ArrayList<>();
        for (Method m : methods(api.jdbc)) {
            try {
                Method impl = api.wrapper.getMethod(m.getName(), m.getParameterTypes());
                if (impl.getDeclaringClass().isInterface()) missing.add(m.toString());
            } catch (NoSuchMethodException e) {
                missing.add(m.toString());
            }
        }
        assertEquals(List.of(), missing, api.wrapper.getSimpleName() + " inherits these from the interface instead of delegating them");
    }

    @ParameterizedTest
    @EnumSource(Api.class)
    void everyMethodHandsTheDriversErrorToTheRoutersCheckAndRethrowsIt(Api api) {
        List<String> wrong = new ArrayList<>();
        for (Method m : methods(api.jdbc)) {
            if (!checked(api, m)) continue;
            Driver driver = new Driver();
            Object w = wrapper(api, node(false), driver);
            Throwable t = invoke(w, m);
            if (!driver.calls.contains(m.getName())) {
                wrong.add(m.getName() + ": never reached the driver");
            } else if (t != driver.thrown) {
                wrong.add(m.getName() + ": threw " + t + " instead of the driver's own exception");
            } else if (!reported(w)) {
                wrong.add(m.getName() + ": the router's error check did not see the connection-lost error");
            }
        }
        assertEquals(List.of(), wrong);
    }

    @ParameterizedTest
    @EnumSource(Api.class)
    void onAFencedEndpointEveryMethodFailsWithoutReachingTheDriver(Api api) {
        List<String> wrong = new ArrayList<>();
        for (Method m : methods(api.jdbc)) {
            if (!fenced(api, m)) continue;
            Driver driver = new Driver();
            Object w = wrapper(api, node(true), driver);
            Throwable t = invoke(w, m);
            if (driver.calls.contains(m.getName())) {
                wrong.add(m.getName() + ": reached the driver of a fenced endpoint");
            } else if (!(t instanceof SplitBrainException s) || !Router.SQLSTATE_SPLIT_BRAIN.equals(s.getSQLState())) {
                wrong.add(m.getName() + ": threw " + t + " instead of the fenced error (08H02)");
            }
        }
        assertEquals(List.of(), wrong);
    }

    /** Whether the wrapper's connection reported an error to the router: its raw connection was then evicted (aborted). */
    private static boolean reported(Object wrapper) {
        RouterConnection c = wrapper instanceof RouterConnection rc ? rc : connectionOf(wrapper);
        return RAW.get(c).calls.contains("abort");
    }

    // The raw connection behind each statement-level wrapper, to see the eviction the error check causes.
    private static final Map<RouterConnection, Driver> RAW = new ConcurrentHashMap<>();

    private static RouterConnection connectionOf(Object wrapper) {
        for (Class<?> k = wrapper.getClass(); k != Object.class; k = k.getSuperclass()) {
            try {
                var f = k.getDeclaredField("c");
                f.setAccessible(true);
                return (RouterConnection) f.get(wrapper);
            } catch (NoSuchFieldException e) {
                // look in the superclass
            } catch (ReflectiveOperationException e) {
                throw new AssertionError(e);
            }
        }
        return fail(wrapper.getClass() + " keeps its RouterConnection in a field named c");
    }
}
