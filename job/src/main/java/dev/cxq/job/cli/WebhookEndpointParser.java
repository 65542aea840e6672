package dev.cxq.job.cli;

import dev.cxq.job.secret.Redaction;
import dev.cxq.job.secret.SecretRef;
import dev.cxq.job.sink.webhook.WebhookEndpoint;
import dev.cxq.job.sink.webhook.WebhookSignature;

import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * Reads webhook endpoints as the user gives them: an inline URL (which must hold no credential) or
 * a {@code --webhook-endpoint KEY=VALUE,...} naming where its URL, token and signing secret are;
 * checks that each secret is present and well-formed, and shows an endpoint without its secrets.
 */
final class WebhookEndpointParser {

    private WebhookEndpointParser() {}

    /** The keys of a {@code --webhook-endpoint}. */
    private static final Set<String> ENDPOINT_KEYS =
            Set.of(
                    "name",
                    "url",
                    "url-file",
                    "url-env",
                    "token-file",
                    "token-env",
                    "secret-file",
                    "secret-env",
                    "allow-insecure-http");

    private static final Pattern ENDPOINT_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_-]{0,39}");

    /**
     * Hosts whose webhook URLs carry their credential in the path (Slack, Microsoft Teams and
     * Office 365 connectors, Discord); an inline URL to them is refused like one with user info.
     */
    private static final Pattern CREDENTIAL_IN_PATH_HOST =
            Pattern.compile(
                    "(?i)hooks\\.slack\\.com|(.+\\.)?webhook\\.office\\.com|outlook\\.office(365)?\\.com"
                            + "|(.+\\.)?discord(app)?\\.com");

    /**
     * An endpoint URL given inline: on the command line, in the environment or in the config file.
     * Program arguments are shown by the Flink web UI and logged by Flink at start, and the URL
     * goes into the job graph, so it must hold no credential: user info, a query string, a fragment
     * or a host known to put the credential in the path are refused; such a URL belongs in {@code
     * url-file} or {@code url-env} of a {@code --webhook-endpoint} (docs/secrets.md).
     *
     * @param name the option as the user wrote it (flag, environment variable or config key)
     * @throws IllegalArgumentException naming {@code name}, when {@code url} is not an absolute
     *     http(s) URL with a host or may hold a credential; the message never quotes a credential
     */
    static URI parseUrl(String url, String name) {
        URI uri = parseAnyUrl(url, name);
        String credential =
                uri.getRawUserInfo() != null
                        ? "user info"
                        : uri.getRawQuery() != null
                                ? "a query string"
                                : uri.getRawFragment() != null
                                        ? "a fragment"
                                        : CREDENTIAL_IN_PATH_HOST.matcher(uri.getHost()).matches()
                                                ? "a path that is a credential at this host"
                                                : null;
        if (credential != null) {
            throw new IllegalArgumentException(
                    name
                            + " "
                            + Redaction.url(uri)
                            + " has "
                            + credential
                            + ", which the Flink web UI, the logs and the job graph would show:"
                            + " give the URL in a file or an environment variable,"
                            + " --webhook-endpoint url-file=FILE or url-env=VARIABLE"
                            + " (docs/secrets.md)");
        }
        return uri;
    }

    /** An absolute http(s) URL with a host, whatever it holds (a URL read from a secret). */
    private static URI parseAnyUrl(String url, String name) {
        // A value that does not parse is quoted, unless it may hold a credential.
        String quoted = url.matches("[^@?#]*") ? ": " + url : "";
        try {
            URI uri = new URI(url);
            if (!uri.isAbsolute()) {
                throw new IllegalArgumentException(name + " not a URL" + quoted);
            }
            if (!("http".equals(uri.getScheme()) || "https".equals(uri.getScheme()))
                    || uri.getHost() == null) {
                throw new IllegalArgumentException(name + " not an http(s) URL" + quoted);
            }
            return uri;
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException(name + " not a URL" + quoted);
        }
    }

    /** An endpoint whose secrets are checked to be present and well-formed. */
    static WebhookEndpoint endpoint(
            String name,
            URI url,
            SecretRef urlRef,
            SecretRef token,
            SecretRef secret,
            boolean allowInsecureHttp,
            Map<String, String> env) {
        WebhookEndpoint endpoint =
                WebhookEndpoint.of(name, url, urlRef, token, secret, allowInsecureHttp);
        try {
            if (token != null) {
                token.read(env);
            }
            if (secret != null) {
                try {
                    WebhookSignature.key(secret.read(env));
                } catch (IllegalArgumentException e) {
                    throw new IllegalArgumentException(
                            "the signing secret in " + secret + " " + e.getMessage());
                }
            }
        } catch (IllegalStateException | UncheckedIOException | IllegalArgumentException e) {
            throw new IllegalArgumentException(
                    "webhook endpoint " + endpoint + ": " + e.getMessage());
        }
        return endpoint;
    }

    /** Parses one {@code --webhook-endpoint KEY=VALUE,...}. */
    static WebhookEndpoint parseEndpoint(String spec, Map<String, String> env) {
        Map<String, String> fields = new LinkedHashMap<>();
        for (String pair : spec.split(",")) {
            int eq = pair.indexOf('=');
            String key = eq < 0 ? pair.strip() : pair.substring(0, eq).strip();
            String value = eq < 0 ? "" : pair.substring(eq + 1).strip();
            if (key.equals("token") || key.equals("secret")) {
                throw new IllegalArgumentException(
                        "--webhook-endpoint "
                                + key
                                + " is a secret and is not given inline; use "
                                + key
                                + "-file or "
                                + key
                                + "-env");
            }
            if (!ENDPOINT_KEYS.contains(key)) {
                throw new IllegalArgumentException(
                        "--webhook-endpoint has no key '"
                                + key
                                + "'; keys: "
                                + String.join(", ", new TreeSet<>(ENDPOINT_KEYS)));
            }
            if (value.isEmpty() || fields.put(key, value) != null) {
                throw new IllegalArgumentException(
                        "--webhook-endpoint needs one non-empty value for " + key);
            }
        }
        String name = fields.get("name");
        if (name != null && !ENDPOINT_NAME.matcher(name).matches()) {
            throw new IllegalArgumentException(
                    "--webhook-endpoint name must be letters, digits, - and _ (at most 40): "
                            + name);
        }
        SecretRef urlRef = ref(fields, "url", null);
        if (fields.containsKey("url") == (urlRef != null)) {
            throw new IllegalArgumentException(
                    WebhookCliOptions.WEBHOOK_ENDPOINT
                            + (name != null ? " " + name : "")
                            + " needs exactly one of url, url-file and url-env");
        }
        URI url;
        if (urlRef == null) {
            url = parseUrl(fields.get("url"), "--webhook-endpoint url");
        } else {
            try {
                url = parseSecretUrl(urlRef.read(env), urlRef);
            } catch (IllegalStateException | UncheckedIOException e) {
                throw new IllegalArgumentException("--webhook-endpoint: " + e.getMessage());
            }
        }
        String insecure = fields.getOrDefault("allow-insecure-http", "false");
        if (!insecure.equals("true") && !insecure.equals("false")) {
            throw new IllegalArgumentException(
                    "--webhook-endpoint allow-insecure-http must be true or false: " + insecure);
        }
        return endpoint(
                name,
                url,
                urlRef,
                ref(fields, "token", name),
                ref(fields, "secret", name),
                Boolean.parseBoolean(insecure),
                env);
    }

    /** The location given by {@code <what>-file} or {@code <what>-env}, or null for neither. */
    private static SecretRef ref(Map<String, String> fields, String what, String name) {
        String file = fields.get(what + "-file");
        String variable = fields.get(what + "-env");
        if (file != null && variable != null) {
            throw new IllegalArgumentException(
                    WebhookCliOptions.WEBHOOK_ENDPOINT
                            + (name != null ? " " + name : "")
                            + " has both "
                            + what
                            + "-file and "
                            + what
                            + "-env");
        }
        return file != null
                ? SecretRef.file(Path.of(file))
                : variable != null ? SecretRef.env(variable) : null;
    }

    /** A URL read from a secret's location: an error names the location, not the URL. */
    private static URI parseSecretUrl(String url, SecretRef location) {
        try {
            return parseAnyUrl(url, "the URL in " + location);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(
                    "--webhook-endpoint: the URL in " + location + " is not an http(s) URL");
        }
    }

    /** A {@code --webhook-endpoint} as shown: an inline URL without its path and query. */
    static String shownEndpoint(String spec) {
        List<String> shown = new ArrayList<>();
        for (String pair : spec.split(",")) {
            String key = pair.contains("=") ? pair.substring(0, pair.indexOf('=')).strip() : "";
            if (key.equals("url")) {
                String value = pair.substring(pair.indexOf('=') + 1).strip();
                try {
                    shown.add("url=" + Redaction.url(new URI(value)));
                } catch (URISyntaxException e) {
                    shown.add("url=" + Redaction.MASK);
                }
            } else if (ENDPOINT_KEYS.contains(key)) {
                shown.add(pair.strip());
            } else {
                shown.add(key.isEmpty() ? Redaction.MASK : key + "=" + Redaction.MASK);
            }
        }
        return String.join(",", shown);
    }
}
