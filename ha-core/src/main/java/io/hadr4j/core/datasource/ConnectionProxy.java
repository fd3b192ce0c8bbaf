package io.hadr4j.core.datasource;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.sql.CallableStatement;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * Wraps a connection handed out by the router, and the statements it creates, to see every
 * {@link SQLException} they raise: a connection-lost error, or a read-only error on a write connection, is
 * reported to the {@link Router}, which evicts the connection and re-probes at once. Everything else passes
 * through unchanged; the original exception is always rethrown. Once the endpoint is fenced, every call but
 * {@code close()} fails (SQLState {@value Router#SQLSTATE_SPLIT_BRAIN}) and the connection is evicted, so that a
 * connection taken before a split brain was noticed writes nothing more to the stale primary.
 */
final class ConnectionProxy implements InvocationHandler {

    private static final Class<?>[] CONNECTION = {Connection.class};

    private final Router router;
    private final Router.Node node;
    private final boolean write;
    private final Connection raw;
    private volatile boolean reported;

    private ConnectionProxy(Router router, Router.Node node, boolean write, Connection raw) {
        this.router = router;
        this.node = node;
        this.write = write;
        this.raw = raw;
    }

    static Connection wrap(Router router, Router.Node node, boolean write, Connection raw) {
        return (Connection) Proxy.newProxyInstance(ConnectionProxy.class.getClassLoader(), CONNECTION,
                new ConnectionProxy(router, node, write, raw));
    }

    /** The physical (pool) connection behind a connection this class made, or null. */
    static Connection unwrapRaw(Object connection) {
        if (connection != null && Proxy.isProxyClass(connection.getClass())
                && Proxy.getInvocationHandler(connection) instanceof ConnectionProxy h) {
            return h.raw;
        }
        return null;
    }

    @Override
    public Object invoke(Object proxy, Method method, Object[] args) throws Throwable {
        return invoke(proxy, raw, method, args);
    }

    private Object invoke(Object proxy, Object target, Method method, Object[] args) throws Throwable {
        String name = method.getName();
        if (method.getDeclaringClass() == Object.class) {
            switch (name) {
                case "equals": return proxy == args[0];
                case "hashCode": return System.identityHashCode(proxy);
                case "toString": return "hadr4j " + (write ? "write" : "read") + " connection to " + node.name() + " (" + target + ")";
                default: break;
            }
        }
        if (args != null && args.length == 1 && args[0] instanceof Class<?> iface) {
            if (name.equals("unwrap") && iface.isInstance(proxy)) return proxy;
            if (name.equals("isWrapperFor") && iface.isInstance(proxy)) return true;
        }
        if (node.fenced && !name.equals("close") && !name.equals("isClosed") && !name.equals("abort")) {
            // A connection handed out before its endpoint was fenced must not write to (or read from) a stale primary.
            if (!reported) {
                reported = true;
                PoolSupport.evict(node.endpoint.dataSource(), raw);
            }
            throw router.fencedException(node);
        }
        if (name.equals("getConnection") && target != raw) {
            return connectionProxyOf(proxy);
        }
        Object result;
        try {
            result = method.invoke(target, args);
        } catch (InvocationTargetException e) {
            Throwable t = e.getCause();
            if (t instanceof SQLException s && !reported) {
                reported = router.onConnectionError(node, write, raw, s);
            }
            throw t;
        }
        if (result instanceof Statement && target == raw) {
            return wrapStatement(proxy, (Statement) result, method.getReturnType());
        }
        return result;
    }

    private Object wrapStatement(Object connectionProxy, Statement statement, Class<?> type) {
        Class<?> iface = type == CallableStatement.class ? CallableStatement.class
                : type == PreparedStatement.class ? PreparedStatement.class : Statement.class;
        return Proxy.newProxyInstance(ConnectionProxy.class.getClassLoader(), new Class<?>[]{iface},
                new StatementHandler(connectionProxy, statement));
    }

    private Object connectionProxyOf(Object statementProxy) {
        return ((StatementHandler) Proxy.getInvocationHandler(statementProxy)).connectionProxy;
    }

    /** Statements share their connection's error handling. */
    private final class StatementHandler implements InvocationHandler {
        private final Object connectionProxy;
        private final Statement statement;

        StatementHandler(Object connectionProxy, Statement statement) {
            this.connectionProxy = connectionProxy;
            this.statement = statement;
        }

        @Override
        public Object invoke(Object proxy, Method method, Object[] args) throws Throwable {
            return ConnectionProxy.this.invoke(proxy, statement, method, args);
        }
    }
}
