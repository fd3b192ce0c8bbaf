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
            // the forms of issue 10, and their variants
            "jdbc:postgresql://db/app?password=hunter2",
            "Password = hunter2",
            "password='hunter 2'",
            "jdbc:sqlserver://h:1433;databaseName=app;password=hunter2;encrypt=true",
            "jdbc:sqlserver://h;password=\"hun;ter2\";encrypt=true",
            "postgresql://app:hun/ter2@db.example.com/app",
            "postgresql://app:hun@ter2@db.example.com/app",
            "jdbc:postgresql://app:hunter2@db/app?sslmode=require",
            "mongodb+srv://app:hunter2@cluster0.example.net/app",
            "{\\\"password\\\":\\\"hunter2\\\"}",
            "redirect?u=x&password%3Dhunter2",
            "<password>hunter2</password>",
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
        assertEquals("postgresql://app:" + Secrets.MASK + "@db/app", Secrets.mask("postgresql://app:hun/t@r2@db/app"));
        assertEquals("{\\\"password\\\":\\\"" + Secrets.MASK + "\\\",\\\"user\\\":\\\"app\\\"}",
                Secrets.mask("{\\\"password\\\":\\\"hunter2\\\",\\\"user\\\":\\\"app\\\"}"));
        assertEquals("<Password>" + Secrets.MASK + "</Password><user>app</user>", Secrets.mask("<Password>hunter2</Password><user>app</user>"));
        for (String plain : new String[] {"jdbc:postgresql://db-a:5432/app?sslmode=require", "https://myapp.azurefd.net/api/info",
                "http://127.0.0.1:8080/health/ready", "write failed: ERROR: cannot execute INSERT in a read-only transaction"}) {
            assertEquals(plain, Secrets.mask(plain));
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJhcHAifQ.c2lnbmF0dXJl",
            "eyJhbGciOiJub25lIn0.eyJzdWIiOiJhcHAifQ.",
            "eyJ0eXAiOiJKV1QiLCJhbGciOiJSUzI1NiIsIng1dCI6Ik1uQ19WWmNBVGZNNXBP.eyJhdWQiOiJodHRwczovL2RhdGFiYXNlLndpbmRvd3MubmV0LyJ9.Zm9v-YmFy_YmF6",
    })
    void masksAccessTokensWhereverTheyStand(String jwt) {
        for (String text : new String[] {jwt, "login failed with " + jwt, "accessToken=" + jwt, "Bearer " + jwt,
                "{\"access_token\":\"" + jwt + "\"}", "token:" + jwt, "(" + jwt + ")"}) {
            String masked = Secrets.mask(text);
            assertFalse(masked.contains("eyJ"), masked);
            assertFalse(masked.contains(jwt.substring(jwt.indexOf('.') + 1, jwt.indexOf('.') + 8)), masked);
        }
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
    void carriesSecretIsWhatMaskWouldHide() {
        assertTrue(Secrets.carriesSecret("jdbc:sqlserver://h;user=u;password=x;encrypt=true"));
        assertTrue(Secrets.carriesSecret("jdbc:postgresql://app:x@db/app"));
        assertTrue(Secrets.carriesSecret("jdbc:sqlserver://h;accessToken=eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJhcHAifQ.c2ln"));
        assertFalse(Secrets.carriesSecret("jdbc:postgresql://db:5432/app?sslmode=require"));
        assertFalse(Secrets.carriesSecret(null));
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
