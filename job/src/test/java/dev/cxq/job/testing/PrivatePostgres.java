package dev.cxq.job.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.UserPrincipal;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A PostgreSQL server of its own for one test, which may be restarted or stopped without touching
 * the shared server other tests use: {@code initdb} into a temporary directory, {@code pg_ctl} on a
 * free loopback port with trust authentication for {@code postgres}. The server binaries come from
 * {@code CXQ_TEST_PG_BINDIR}, else {@code pg_config --bindir}, else the newest {@code
 * /usr/lib/postgresql/<version>/bin}. PostgreSQL refuses to run as root, so as root the binaries
 * run as the {@code postgres} OS user ({@code runuser}), in a directory owned by it.
 */
public final class PrivatePostgres implements AutoCloseable {

    private static final String OS_USER = "postgres";
    private static final long COMMAND_TIMEOUT_S = 120;

    private final Path bin;
    private final Path base;
    private final Path data;
    private final int port;
    private final boolean asPostgresUser;

    private PrivatePostgres(Path bin, Path base, int port, boolean asPostgresUser) {
        this.bin = bin;
        this.base = base;
        this.data = base.resolve("data");
        this.port = port;
        this.asPostgresUser = asPostgresUser;
    }

    /** Initialises and starts a new server; fails with what is missing when it cannot. */
    public static PrivatePostgres start() throws IOException, InterruptedException {
        Path bin = serverBinaries();
        boolean asRoot = "root".equals(System.getProperty("user.name"));
        Path base = Files.createTempDirectory("cxq-private-pg-");
        if (asRoot) {
            UserPrincipal postgres;
            try {
                postgres =
                        base.getFileSystem()
                                .getUserPrincipalLookupService()
                                .lookupPrincipalByName(OS_USER);
            } catch (IOException e) {
                throw new IllegalStateException(
                        "running as root, PostgreSQL needs the OS user '"
                                + OS_USER
                                + "' to run as, and there is none",
                        e);
            }
            Files.setOwner(base, postgres);
        }
        PrivatePostgres pg = new PrivatePostgres(bin, base, FreePorts.freePort(), asRoot);
        pg.run(
                "initdb",
                "-D",
                pg.data.toString(),
                "-U",
                "postgres",
                "-A",
                "trust",
                "-E",
                "UTF8",
                "--no-locale",
                "--no-sync");
        pg.run(
                "pg_ctl",
                "-D",
                pg.data.toString(),
                "-l",
                base.resolve("server.log").toString(),
                "-w",
                "-o",
                "-p " + pg.port + " -k " + base + " -c listen_addresses=127.0.0.1 -c fsync=off",
                "start");
        return pg;
    }

    public String host() {
        return "127.0.0.1";
    }

    public int port() {
        return port;
    }

    /** Stops the server (fast: open sessions are disconnected) and starts it again; waits. */
    public void restart() throws IOException, InterruptedException {
        run("pg_ctl", "-D", data.toString(), "-w", "-m", "fast", "restart");
    }

    @Override
    public void close() throws IOException, InterruptedException {
        try {
            run("pg_ctl", "-D", data.toString(), "-w", "-m", "immediate", "stop");
        } finally {
            try (Stream<Path> paths = Files.walk(base)) {
                for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(p);
                }
            }
        }
    }

    private void run(String program, String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        if (asPostgresUser) {
            command.addAll(List.of("runuser", "-u", OS_USER, "--"));
        }
        command.add(bin.resolve(program).toString());
        command.addAll(List.of(args));
        // Output to a file, not a pipe: the server pg_ctl starts would keep a pipe open.
        Path output = Files.createTempFile("cxq-private-pg-", ".out");
        try {
            Process process =
                    new ProcessBuilder(command)
                            .directory(base.toFile())
                            .redirectErrorStream(true)
                            .redirectOutput(output.toFile())
                            .start();
            if (!process.waitFor(COMMAND_TIMEOUT_S, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new IllegalStateException(
                        "timed out after "
                                + COMMAND_TIMEOUT_S
                                + " s: "
                                + String.join(" ", command));
            }
            if (process.exitValue() != 0) {
                throw new IllegalStateException(
                        String.join(" ", command)
                                + " exited "
                                + process.exitValue()
                                + ":\n"
                                + Files.readString(output)
                                + serverLog());
            }
        } finally {
            Files.deleteIfExists(output);
        }
    }

    private String serverLog() throws IOException {
        Path log = base.resolve("server.log");
        return Files.isReadable(log) ? "\nserver log:\n" + Files.readString(log) : "";
    }

    private static Path serverBinaries() throws IOException, InterruptedException {
        String configured = System.getenv("CXQ_TEST_PG_BINDIR");
        List<Path> candidates = new ArrayList<>();
        if (configured != null && !configured.isBlank()) {
            candidates.add(Path.of(configured));
        } else {
            pgConfigBindir(candidates);
            Path installed = Path.of("/usr/lib/postgresql");
            if (Files.isDirectory(installed)) {
                try (Stream<Path> versions = Files.list(installed)) {
                    versions.map(v -> v.resolve("bin"))
                            .sorted(Comparator.comparing(PrivatePostgres::version).reversed())
                            .forEach(candidates::add);
                }
            }
        }
        for (Path candidate : candidates) {
            if (Files.isExecutable(candidate.resolve("initdb"))
                    && Files.isExecutable(candidate.resolve("pg_ctl"))) {
                return candidate;
            }
        }
        throw new IllegalStateException(
                "no PostgreSQL server binaries (initdb and pg_ctl) in "
                        + candidates
                        + ": install the PostgreSQL server (e.g. apt-get install postgresql) or"
                        + " set CXQ_TEST_PG_BINDIR to the directory holding them");
    }

    private static void pgConfigBindir(List<Path> candidates) throws InterruptedException {
        try {
            Process process =
                    new ProcessBuilder("pg_config", "--bindir").redirectErrorStream(true).start();
            String out = new String(process.getInputStream().readAllBytes()).trim();
            if (process.waitFor() == 0 && !out.isEmpty()) {
                candidates.add(Path.of(out));
            }
        } catch (IOException noPgConfig) {
            // Not installed: the other candidates are tried.
        }
    }

    private static int version(Path bin) {
        try {
            return Integer.parseInt(bin.getParent().getFileName().toString());
        } catch (NumberFormatException e) {
            return 0;
        }
    }
}
