package io.hadr4j.core.datasource;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The epoch file is written durably in two slots, and a damaged file (a write cut short by a crash: empty, zeros,
 * half a line, a wrong checksum) never makes {@code RouterConfig.build()} fail: the last good value is kept.
 */
class EpochFileTest {

    @Test
    void writtenValuesReadBackFromBothSlotsAndNoTemporaryFileStays(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("orders.epoch");
        assertTrue(EpochFile.read(file).value().isEmpty(), "never written");
        EpochFile.write(file, 7);
        assertEquals(7L, EpochFile.read(file).value().getAsLong());
        EpochFile.write(file, 12);
        EpochFile.Read r = EpochFile.read(file);
        assertEquals(12L, r.value().getAsLong());
        assertNull(r.warning(), "nothing damaged");
        assertEquals(EpochFile.line(12), Files.readString(file));
        assertEquals(EpochFile.line(12), Files.readString(EpochFile.backup(file)));
        try (var names = Files.list(dir)) {
            assertEquals(List.of("orders.epoch", "orders.epoch.bak"), names.map(p -> p.getFileName().toString()).sorted().toList());
        }
        assertEquals(12L, RouterConfig.readEpochFile(RouterConfig.custom().epochFile(file).build().epochFile()).getAsLong());
        Files.writeString(file, "5\n"); // as earlier versions wrote it
        Files.delete(EpochFile.backup(file));
        assertEquals(5L, EpochFile.read(file).value().getAsLong());
    }

    @Test
    void aTornFileKeepsTheLastGoodValueAndBuildDoesNotFail(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("orders.epoch");
        EpochFile.write(file, 9);
        String good = EpochFile.line(9);
        List<byte[]> torn = List.of(new byte[0], new byte[64], good.substring(0, good.length() / 2).getBytes(StandardCharsets.US_ASCII),
                good.replace("crc32 ", "crc32 0").substring(0, good.length() - 1).getBytes(StandardCharsets.US_ASCII),
                good.replace(" 9 ", " 8 ").getBytes(StandardCharsets.US_ASCII), // the checksum no longer matches
                new byte[] {(byte) 0xde, (byte) 0xad, (byte) 0xbe, (byte) 0xef});
        for (byte[] content : torn) {
            Files.write(file, content);
            RouterConfig c = RouterConfig.custom().epochFile(file).build(); // does not throw
            EpochFile.Read r = EpochFile.read(c.epochFile());
            assertEquals(9L, r.value().getAsLong(), "the good copy's value, for " + new String(content, StandardCharsets.ISO_8859_1));
            assertNotNull(r.warning());
            assertTrue(r.warning().contains("is damaged") && r.warning().contains("using the last good epoch, 9"), r.warning());
        }
        // The other way round: the main slot good, the copy torn (a crash while writing the copy).
        EpochFile.write(file, 10);
        Files.write(EpochFile.backup(file), new byte[3]);
        assertEquals(10L, EpochFile.read(file).value().getAsLong());
        // A crash between the two slots: the copy has the newer value. Epochs only grow: the larger wins.
        Files.writeString(file, EpochFile.line(10));
        Files.writeString(EpochFile.backup(file), EpochFile.line(11));
        assertEquals(11L, EpochFile.read(file).value().getAsLong());
        // Both damaged: the router starts with no remembered epoch, and says so.
        Files.write(file, new byte[0]);
        Files.write(EpochFile.backup(file), new byte[8]);
        EpochFile.Read none = EpochFile.read(RouterConfig.custom().epochFile(file).build().epochFile());
        assertTrue(none.value().isEmpty());
        assertTrue(none.warning().contains("no good copy is left"), none.warning());
        // A write after damage repairs both.
        EpochFile.write(file, 13);
        assertEquals(13L, EpochFile.read(file).value().getAsLong());
        assertNull(EpochFile.read(file).warning());
    }

    @Test
    void anotherProgramsFileIsStillRefusedAndNotOverwritten(@TempDir Path dir) throws Exception {
        Path foreign = Files.writeString(dir.resolve("notes.txt"), "timeline two\n");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> RouterConfig.custom().epochFile(foreign).build());
        assertTrue(e.getMessage().contains("point epochFile at a file of its own"), e.getMessage());
        assertEquals("timeline two\n", Files.readString(foreign));
        assertFalse(Files.exists(EpochFile.backup(foreign)));
    }
}
