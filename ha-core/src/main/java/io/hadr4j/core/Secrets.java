package io.hadr4j.core;

import java.sql.SQLException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The one masking rule of hadr4j: every log line, exception message, {@code toString()}, health output and page
 * that may quote a connection string, a driver's message or a cloud SDK's answer passes through {@link #mask}.
 *
 * <p>What is masked, wherever it appears in the text:
 * <ul>
 *   <li>{@code key=value} and {@code key: value} where the key names a secret (password, pwd, secret, token,
 *       credential, access key, private key, signature, client secret...), in URL query strings
 *       ({@code ?password=x&user=u}), in SQL Server style strings ({@code ;password=x;}), JSON
 *       ({@code "password":"x"}, also escaped inside a string: {@code \\"password\\":\\"x\\"}), URL-encoded
 *       ({@code password%3Dx}) and free text;</li>
 *   <li>the password of a URL's user info ({@code scheme://user:pass@host}, also when it holds {@code /} or {@code @});</li>
 *   <li>the text of an XML element named for a secret ({@code <password>x</password>});</li>
 *   <li>bearer tokens ({@code Bearer eyJ...}) and anything shaped like a JSON Web Token.</li>
 * </ul>
 * A value in braces ({@code password={a;b}}, SQL Server's quoting) is masked up to its closing brace.
 */
public final class Secrets {

    /** What replaces a secret. */
    public static final String MASK = "******";

    private static final String SECRET_WORD =
            "(?:passw(?:or)?d|pwd|secret|token|credential|access[_-]?key|accountkey|private[_-]?key|api[_-]?key|sig(?:nature)?)";
    private static final Pattern SECRET_NAME = Pattern.compile("(?i).*(?:passw|pwd|secret|token|credential|private|key|sig).*");
    /** key, separator ({@code =}, {@code :}, URL-encoded {@code %3D}), value: braced, quoted, escaped-quoted or bare. */
    private static final Pattern KEY_VALUE = Pattern.compile(
            "(?i)((?:\\\\?\")?\\b[a-z0-9_.-]*" + SECRET_WORD + "[a-z0-9_.-]*(?:\\\\?\")?)(\\s*(?:[=:]|%3d)\\s*)"
                    + "(\\{[^}]*}?|\\\\\"(?:[^\"\\\\]|\\\\(?!\"))*(?:\\\\\")?|\"[^\"]*\"?|'[^']*'?|[^\\s;&,'\"}\\])]+)");
    /** {@code scheme://user:password@host}: the password runs to the last {@code @} of the token (it may hold / or @). */
    private static final Pattern USER_INFO = Pattern.compile("(?i)([a-z][a-z0-9+.-]*://[^/\\s:@;?#]+:)([^\\s\"'<>]+)(@[^@\\s\"'<>/]*)");
    /** {@code <password>x</password>}, as in XML answers. */
    private static final Pattern XML_ELEMENT = Pattern.compile(
            "(?i)(<([a-z0-9_:.-]*" + SECRET_WORD + "[a-z0-9_:.-]*)>)[^<]*(</\\2>)");
    private static final Pattern BEARER = Pattern.compile("(?i)(bearer\\s+)[a-z0-9._~+/=-]+");
    private static final Pattern JWT = Pattern.compile("\\beyJ[A-Za-z0-9_-]{4,}\\.[A-Za-z0-9_-]{4,}\\.[A-Za-z0-9_-]*");

    private Secrets() {
    }

    /** {@code text} with every secret it carries replaced by {@link #MASK}; {@code null} stays {@code null}. */
    public static String mask(String text) {
        if (text == null || text.isEmpty()) return text;
        String s = replace(KEY_VALUE, text, m -> m.group(1) + m.group(2) + quoted(m.group(3)));
        s = USER_INFO.matcher(s).replaceAll("$1" + Matcher.quoteReplacement(MASK) + "$3");
        s = XML_ELEMENT.matcher(s).replaceAll("$1" + Matcher.quoteReplacement(MASK) + "$3");
        s = BEARER.matcher(s).replaceAll("$1" + Matcher.quoteReplacement(MASK));
        return JWT.matcher(s).replaceAll(Matcher.quoteReplacement(MASK));
    }

    /**
     * Whether {@link #mask} would hide something in {@code text}: the guard for values that must carry no secret at
     * all, such as a JDBC URL given on a command line (the password belongs in the environment or a vault).
     */
    public static boolean carriesSecret(String text) {
        return text != null && !text.equals(mask(text));
    }

    /**
     * An exception's message, masked, for logs and for the messages of hadr4j's own exceptions: the message (or
     * the class's simple name when there is none) and, for an {@link SQLException}, its SQLState.
     */
    public static String safeMessage(Throwable t) {
        if (t == null) return null;
        String m = t.getMessage();
        String text = m == null ? t.getClass().getSimpleName() : m;
        if (t instanceof SQLException s && s.getSQLState() != null) text += " (SQLState " + s.getSQLState() + ")";
        return mask(text);
    }

    /** Whether a property, header or data key names a secret (its value must then never be shown at all). */
    public static boolean isSecretName(String key) {
        return key != null && SECRET_NAME.matcher(key).matches();
    }

    private static String quoted(String value) {
        if (value.startsWith("\\\"")) return "\\\"" + MASK + "\\\"";
        char first = value.charAt(0);
        if (first == '{') return "{" + MASK + "}";
        if (first == '"' || first == '\'') return first + MASK + first;
        return MASK;
    }

    private static String replace(Pattern p, String text, java.util.function.Function<Matcher, String> with) {
        Matcher m = p.matcher(text);
        if (!m.find()) return text;
        StringBuilder sb = new StringBuilder(text.length());
        do {
            m.appendReplacement(sb, Matcher.quoteReplacement(with.apply(m)));
        } while (m.find());
        m.appendTail(sb);
        return sb.toString();
    }
}
