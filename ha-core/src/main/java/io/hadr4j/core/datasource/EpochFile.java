package io.hadr4j.core.datasource;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.OptionalLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.CRC32;

/**
 * The file in which a router keeps the newest epoch it has seen ({@link RouterConfig.Builder#epochFile}), written so
 * that a crash or power loss at any moment leaves a good value behind, and read so that a damaged file never stops a
 * router from starting.
 *
 * <p>Two slots: {@code <file>.bak} and {@code <file>}, written in that order, each durably (a temporary file
 * written and forced to disk, moved over the slot atomically, and the directory forced, so that the move itself
 * survives a power loss). Whatever moment a crash hits, one slot holds the new value or the one before, complete.
 * Epochs only grow, so a read takes the larger good value of the two. Each slot is one line,
 * {@code hadr4j epoch <n> crc32 <hex>}; the checksum tells a torn write (cut short, zeros, or garbage where a
 * hadr4j line was) from a good one. A plain number, as earlier versions wrote, still reads.
 */
final class EpochFile {

    private static final String HEADER = "hadr4j epoch ";
    private static final Pattern LINE = Pattern.compile("hadr4j epoch (-?\\d{1,19}) crc32 ([0-9a-f]{8})");
    private static final Pattern PLAIN = Pattern.compile("-?\\d{1,19}");

    /** What a read found: the value ({@code empty} if none), and a warning to log when a slot was damaged. */
    record Read(OptionalLong value, String warning) {
    }

    private EpochFile() {
    }

    static Path backup(Path file) {
        return file.resolveSibling(file.getFileName() + ".bak");
    }

    /** Writes {@code epoch} durably to both slots (see the class comment). */
    static void write(Path file, long epoch) throws IOException {
        String line = line(epoch);
        writeSlot(backup(file), line);
        writeSlot(file, line);
    }

    static String line(long epoch) {
        String n = Long.toString(epoch);
        return HEADER + n + " crc32 " + crc(n) + "\n";
    }

    private static void writeSlot(Path slot, String line) throws IOException {
        Path tmp = slot.resolveSibling(slot.getFileName() + ".tmp");
        try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            ByteBuffer b = ByteBuffer.wrap(line.getBytes(StandardCharsets.US_ASCII));
            while (b.hasRemaining()) ch.write(b);
            ch.force(true); // the data on disk before the name points at it
        }
        try {
            Files.move(tmp, slot, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(tmp, slot, StandardCopyOption.REPLACE_EXISTING);
        }
        forceDirectory(slot.toAbsolutePath().getParent());
    }

    /** Forces the directory entry (the move) to disk; where the platform cannot open a directory (Windows), it is skipped. */
    private static void forceDirectory(Path dir) {
        if (dir == null) return;
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        } catch (IOException | UnsupportedOperationException e) {
            // not possible here; the file's own force still holds its content
        }
    }

    /**
     * Reads both slots. A slot that does not exist counts as not written; a damaged one (torn) gives a warning and
     * the other slot's value.
     *
     * @throws IllegalArgumentException when a slot cannot be read, or holds something that is not hadr4j's at all
     *                                  (another program's file): the message says what to do
     */
    static Read read(Path file) {
        Slot main = slot(file);
        Slot bak = slot(backup(file));
        if (bak.foreign != null) bak = new Slot(OptionalLong.empty(), true, null); // hadr4j's name: damaged, not foreign
        if (main.foreign != null) {
            // With a good .bak beside it, the file is hadr4j's and damaged; without, it may be another program's file,
            // which must not be overwritten.
            if (bak.value.isEmpty()) throw new IllegalArgumentException(main.foreign);
            main = new Slot(OptionalLong.empty(), true, null);
        }
        OptionalLong value = main.value.isPresent() && bak.value.isPresent()
                ? OptionalLong.of(Math.max(main.value.getAsLong(), bak.value.getAsLong()))
                : main.value.isPresent() ? main.value : bak.value;
        String warning = null;
        if (main.torn || bak.torn) {
            Path damaged = main.torn ? file : backup(file);
            warning = "epochFile " + damaged + " is damaged (a write cut short by a crash?); "
                    + (value.isPresent() ? "using the last good epoch, " + value.getAsLong() + ", from "
                            + (main.value.isPresent() && (!bak.value.isPresent() || main.value.getAsLong() >= bak.value.getAsLong()) ? file : backup(file))
                    : "no good copy is left, so the router starts without a remembered epoch")
                    + "; the next newer epoch rewrites it";
        }
        return new Read(value, warning);
    }

    /** One slot: its good value, or torn, or foreign (the message to refuse it with). */
    private record Slot(OptionalLong value, boolean torn, String foreign) {
    }

    private static Slot slot(Path file) {
        if (!Files.exists(file)) return new Slot(OptionalLong.empty(), false, null);
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (IOException e) {
            throw new IllegalArgumentException("epochFile " + file + " cannot be read (" + e + "); make it readable by this process or point epochFile elsewhere", e);
        }
        String text = new String(bytes, StandardCharsets.ISO_8859_1).trim();
        Matcher m = LINE.matcher(text);
        if (m.matches()) {
            OptionalLong v = crc(m.group(1)).equals(m.group(2)) ? parse(m.group(1)) : OptionalLong.empty();
            return new Slot(v, v.isEmpty(), null);
        }
        if (PLAIN.matcher(text).matches()) { // as earlier versions wrote it
            OptionalLong v = parse(text);
            return new Slot(v, v.isEmpty(), null);
        }
        if (text.isEmpty() || !printable(text) || text.startsWith(HEADER.trim()) || HEADER.startsWith(text)) {
            return new Slot(OptionalLong.empty(), true, null); // empty, zeros or binary, or a hadr4j line cut short or garbled
        }
        String shown = text.length() > 40 ? text.substring(0, 40) + "..." : text;
        return new Slot(OptionalLong.empty(), false, "epochFile " + file + " holds '" + shown + "', not an epoch (a whole number written by hadr4j); "
                + "point epochFile at a file of its own, or delete this one if it is hadr4j's and got damaged");
    }

    private static boolean printable(String text) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c < 0x20 && c != '\n' && c != '\r' && c != '\t' || c >= 0x7f) return false;
        }
        return true;
    }

    private static OptionalLong parse(String n) {
        try {
            return OptionalLong.of(Long.parseLong(n));
        } catch (NumberFormatException e) { // 19 digits beyond Long.MAX_VALUE
            return OptionalLong.empty();
        }
    }

    private static String crc(String n) {
        CRC32 c = new CRC32();
        c.update(n.getBytes(StandardCharsets.US_ASCII));
        return String.format("%08x", c.getValue());
    }
}
