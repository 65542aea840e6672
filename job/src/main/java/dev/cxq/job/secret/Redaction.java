package dev.cxq.job.secret;

import java.net.URI;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The shown forms of values that may hold a credential: webhook URLs (whose path may be the
 * secret), JDBC URLs and Kafka client properties. What a log line, a message, {@code
 * --check-config}, an operator name or a table shows goes through here.
 */
public final class Redaction {

    public static final String MASK = "***";

    /** A Kafka configuration variable, resolved by the client's config providers. */
    private static final Pattern KAFKA_VARIABLE = Pattern.compile("\\$\\{[^}:]+:[^}]*}");

    /** A URL parameter whose value is a password ({@code password}, {@code sslpassword}, …). */
    private static final Pattern JDBC_PASSWORD_PARAM =
            Pattern.compile("(?i)([?&;][^=&;]*password[^=&;]*=)([^&;]*)");

    /** The password of {@code //user:password@host}. */
    private static final Pattern JDBC_USERINFO_PASSWORD = Pattern.compile("(//[^/@:]*:)([^/@]*)@");

    private Redaction() {}

    /** {@code scheme://host[:port]/…}: where a URL points, without its path or query. */
    public static String url(URI url) {
        String shown = url.getScheme() + "://" + url.getHost();
        if (url.getPort() != -1) {
            shown += ":" + url.getPort();
        }
        boolean more =
                (url.getRawPath() != null
                                && !url.getRawPath().isEmpty()
                                && !"/".equals(url.getRawPath()))
                        || url.getRawQuery() != null
                        || url.getRawFragment() != null;
        return shown + (more ? "/…" : "/");
    }

    /** Whether a JDBC URL holds a password (a password parameter or {@code user:password@}). */
    public static boolean jdbcUrlHasPassword(String jdbcUrl) {
        return JDBC_PASSWORD_PARAM.matcher(jdbcUrl).find()
                || JDBC_USERINFO_PASSWORD.matcher(jdbcUrl).find();
    }

    /** The JDBC URL with every password in it masked. */
    public static String jdbcUrl(String jdbcUrl) {
        String shown = JDBC_PASSWORD_PARAM.matcher(jdbcUrl).replaceAll("$1" + MASK);
        return JDBC_USERINFO_PASSWORD.matcher(shown).replaceAll("$1" + MASK + "@");
    }

    /**
     * Whether a Kafka client property holds a credential: {@code sasl.jaas.config}, {@code
     * ssl.keystore.key}, and any {@code *password*} or {@code *secret*} key.
     */
    public static boolean isKafkaCredential(String key) {
        String k = key.toLowerCase(Locale.ROOT);
        return k.equals("sasl.jaas.config")
                || k.equals("ssl.keystore.key")
                || k.contains("password")
                || k.contains("secret");
    }

    /** Whether a value refers to its secret through a Kafka config provider ({@code ${env:X}}). */
    public static boolean hasKafkaVariable(String value) {
        return KAFKA_VARIABLE.matcher(value).find();
    }

    /**
     * Kafka properties as shown: a credential property keeps its value only when that value is
     * nothing but one config provider variable (a location, not a secret).
     */
    public static Map<String, String> kafkaProperties(Map<String, String> properties) {
        Map<String, String> shown = new LinkedHashMap<>();
        properties.forEach(
                (key, value) -> {
                    boolean onlyVariable =
                            value != null && KAFKA_VARIABLE.matcher(value.strip()).matches();
                    shown.put(key, isKafkaCredential(key) && !onlyVariable ? MASK : value);
                });
        return shown;
    }

    /** {@code text} with every occurrence of {@code secret} masked (for third-party messages). */
    public static String without(String text, String secret) {
        return text == null || secret == null || secret.isEmpty()
                ? text
                : text.replace(secret, MASK);
    }
}
