package io.hadr4j.oci;

import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.ByteBuffer;
import java.util.Objects;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.hadr4j.core.Secrets;

/**
 * A database user and password, and the version of the Vault secret they came from. Immutable;
 * {@link #toString()} shows the user and the version, never the password.
 */
public final class DbCredentials {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final String username;
    private final String password;
    private final long version;

    DbCredentials(String username, String password, long version) {
        this.username = Objects.requireNonNull(username, "username");
        this.password = Objects.requireNonNull(password, "password");
        this.version = version;
    }

    public String username() {
        return username;
    }

    /** The password: hand it to the driver only. */
    public String password() {
        return password;
    }

    /** The Vault secret's version number these credentials are. */
    public long version() {
        return version;
    }

    @Override
    public String toString() {
        return "DbCredentials{user=" + username + ", password=" + Secrets.MASK + ", version=" + version + "}";
    }

    /**
     * The credentials in a secret's content: a JSON object {@code {"username":"app","password":"..."}} (the
     * username may be left out when {@code defaultUser} is given), or the password alone as text (one trailing
     * line break is dropped) with {@code defaultUser}. Messages never quote the content.
     *
     * @throws IllegalArgumentException when the content is neither, saying what to store instead
     */
    static DbCredentials parse(byte[] content, String defaultUser, long version) {
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(content)).toString();
        } catch (CharacterCodingException e) {
            throw new IllegalArgumentException("version " + version + " of the secret is not UTF-8 text; store "
                    + FORMAT);
        }
        String trimmed = text.strip();
        if (trimmed.startsWith("{")) {
            JsonNode n;
            try {
                n = JSON.readTree(trimmed);
            } catch (JsonProcessingException e) { // its message may quote the content: not used
                throw new IllegalArgumentException("version " + version + " of the secret starts with '{' but is not valid JSON"
                        + (e.getLocation() != null ? " (line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr() + ")" : "")
                        + "; store " + FORMAT);
            }
            JsonNode pw = n.get("password");
            if (pw == null || !pw.isTextual() || pw.asText().isEmpty()) {
                throw new IllegalArgumentException("version " + version + " of the secret is a JSON object without a \"password\" string; store "
                        + FORMAT);
            }
            JsonNode user = n.get("username");
            String u = user != null && user.isTextual() && !user.asText().isBlank() ? user.asText().trim() : defaultUser;
            if (u == null) {
                throw new IllegalArgumentException("version " + version + " of the secret has no \"username\" and no username is configured; "
                        + "add \"username\" to the secret or set VaultCredentials.custom().username(...)");
            }
            return new DbCredentials(u, pw.asText(), version);
        }
        String password = text.endsWith("\r\n") ? text.substring(0, text.length() - 2)
                : text.endsWith("\n") ? text.substring(0, text.length() - 1) : text;
        if (password.isEmpty()) {
            throw new IllegalArgumentException("version " + version + " of the secret is empty; store " + FORMAT);
        }
        if (defaultUser == null) {
            throw new IllegalArgumentException("version " + version + " of the secret is a plain password, and no username is configured: "
                    + "set VaultCredentials.custom().username(...) or store " + FORMAT);
        }
        return new DbCredentials(defaultUser, password, version);
    }

    private static final String FORMAT = "a JSON object with \"username\" and \"password\" strings, or the password alone";
}
