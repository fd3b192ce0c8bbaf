package io.hadr4j.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.SQLException;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class SecretsTest {

    @ParameterizedTest
    @ValueSource(strings = {
            "jdbc:postgresql://db:5432/app?user=app&password=hunter2&ssl=true",
            "jdbc:sqlserver://h.database.windows.net:1433;user=app;password=hunter2;encrypt=true",
            "jdbc:sqlserver://h;Password={hun;ter2};encrypt=true",
            "postgresql://app:hunter2@db.example.com:5432/app",
            "connect failed: PWD=hunter2 rejected",
            "{\"username\":\"app\",\"password\":\"hunter2\"}",
            "client_secret=hunter2&grant_type=client_credentials",
            "Authorization: Bearer hunter2",
            "token: hunter2",
            "AccountKey=hunter2;EndpointSuffix=core.windows.net",
    })
    void masksTheSecretWhereverItStands(String text) {
        String masked = Secrets.mask(text);
        assertFalse(masked.contains("hunter2"), masked);
        assertFalse(masked.contains("ter2"), masked);
        assertTrue(masked.contains(Secrets.MASK), masked);
    }

    @Test
    void keepsWhatIsNotSecret() {
        String url = "jdbc:sqlserver://orders-cin.database.windows.net:1433;databaseName=orders;encrypt=true";
        assertEquals(url, Secrets.mask(url));
        assertEquals("jdbc:postgresql://db:5432/app?user=app&password=" + Secrets.MASK + "&ssl=true",
                Secrets.mask("jdbc:postgresql://db:5432/app?user=app&password=hunter2&ssl=true"));
        assertEquals("a;password=" + Secrets.MASK + ";encrypt=true", Secrets.mask("a;password=hunter2;encrypt=true"));
        assertEquals("postgresql://app:" + Secrets.MASK + "@db/app", Secrets.mask("postgresql://app:hunter2@db/app"));
        assertNull(Secrets.mask(null));
    }

    @Test
    void masksJsonWebTokens() {
        String jwt = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJhcHAifQ.c2lnbmF0dXJl";
        assertFalse(Secrets.mask("login failed with " + jwt).contains("eyJzdWIi"));
    }

    @Test
    void safeMessageMasksAndAddsTheSqlState() {
        SQLException e = new SQLException("cannot connect to jdbc:x://h;password=hunter2", "08001");
        assertEquals("cannot connect to jdbc:x://h;password=" + Secrets.MASK + " (SQLState 08001)", Secrets.safeMessage(e));
        assertEquals("IllegalStateException", Secrets.safeMessage(new IllegalStateException()));
    }

    @Test
    void namesOfSecrets() {
        assertTrue(Secrets.isSecretName("password"));
        assertTrue(Secrets.isSecretName("HADR_DB_PASSWORD"));
        assertTrue(Secrets.isSecretName("accessToken"));
        assertFalse(Secrets.isSecretName("region"));
        assertFalse(Secrets.isSecretName(null));
    }
}
