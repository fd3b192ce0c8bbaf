package io.hadr4j.core.drill;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ShellCommandFaultTest {

    @Test
    void runsTheCommandAndFailsOnANonZeroExit(@TempDir Path dir) throws Exception {
        Path marker = dir.resolve("stopped");
        ShellCommandFault stop = ShellCommandFault.of("stop region A's app", "touch '" + marker + "'");
        assertNull(stop.unavailable());
        stop.inject();
        assertTrue(Files.exists(marker), "the command ran");

        IllegalStateException e = assertThrows(IllegalStateException.class, () -> ShellCommandFault.of("fail over", "exit 3").inject());
        assertEquals("'exit 3' exited with 3", e.getMessage());
    }

    @Test
    void aCommandThatHangsIsKilledAtItsTimeout() {
        ShellCommandFault hangs = ShellCommandFault.of("switch over", "sleep 60").withTimeout(Duration.ofMillis(300));
        IllegalStateException e = assertThrows(IllegalStateException.class, hangs::inject);
        assertTrue(e.getMessage().startsWith("'sleep 60' did not exit within PT0.3S and was killed"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> hangs.withTimeout(Duration.ZERO));
    }

    @Test
    void withoutACommandTheStepIsNotRunAndSecretsNeverShow() {
        ShellCommandFault none = ShellCommandFault.of("fail over", "  ");
        assertEquals("not run: no command given for 'fail over'", none.unavailable());
        assertThrows(IllegalStateException.class, none::inject);

        ShellCommandFault withToken = ShellCommandFault.of("fail over", "curl -H 'Authorization: Bearer eyJhbGciOi.eyJzdWIi.sig' https://x/?password=hunter2");
        assertFalse(withToken.describe().contains("hunter2") || withToken.describe().contains("eyJhbGciOi"), withToken.describe());
        assertFalse(withToken.toString().contains("hunter2"), withToken.toString());
    }
}
