package dev.cxq.job.http;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.function.Consumer;

/**
 * Metrics of a process that runs no Flink job (so no Flink reporter), served for Prometheus at
 * {@code http://<host>:<port>/metrics} in the text exposition format, on the JDK's HTTP server.
 * Every scrape asks the process for its figures now.
 */
public final class PrometheusEndpoint implements AutoCloseable {

    public static final String PATH = "/metrics";

    private final HttpServer server;
    private final Consumer<Exposition> metrics;

    private PrometheusEndpoint(int port, Consumer<Exposition> metrics) throws IOException {
        this.metrics = metrics;
        this.server = HttpServer.create(new InetSocketAddress(port), 0);
        server.createContext(PATH, this::scrape);
        server.start();
    }

    /** Serves on {@code port} (all interfaces) what {@code metrics} writes at each scrape. */
    public static PrometheusEndpoint start(int port, Consumer<Exposition> metrics)
            throws IOException {
        return new PrometheusEndpoint(port, metrics);
    }

    private void scrape(HttpExchange exchange) throws IOException {
        Exposition exposition = new Exposition();
        metrics.accept(exposition);
        byte[] body = exposition.text.toString().getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "text/plain; version=0.0.4");
        exchange.sendResponseHeaders(200, body.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }

    /** The text of one scrape: metric families, each with its samples. */
    public static final class Exposition {

        private final StringBuilder text = new StringBuilder();

        /** Starts the family {@code name}; its samples follow. */
        public Exposition family(String name, String type, String help) {
            text.append("# HELP ").append(name).append(' ').append(help).append('\n');
            text.append("# TYPE ").append(name).append(' ').append(type).append('\n');
            return this;
        }

        /** One sample of the current family, with one label. */
        public Exposition sample(String name, String label, String labelValue, double value) {
            text.append(name)
                    .append('{')
                    .append(label)
                    .append("=\"")
                    .append(escape(labelValue))
                    .append("\"} ")
                    .append(format(value))
                    .append('\n');
            return this;
        }

        private static String escape(String value) {
            return value.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n");
        }

        private static String format(double value) {
            return value == Math.rint(value) && !Double.isInfinite(value)
                    ? Long.toString((long) value)
                    : Double.toString(value);
        }
    }
}
