package dev.cxq.bench;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * The benchmark page: every figure of this build (B) beside the previous release's job jar (A), on
 * the same input, in the same run. Runs alternate A, B, A, B, each in its own JVM ({@link
 * ChildJvm}); the ratio B/A is taken per pair and given with its spread ({@link Comparison}). The
 * CEP baseline reads an input of its own on RocksDB ({@code --cep-sessions}, {@code --cep-steps}),
 * smaller by default, and B's quality path runs once more on it: CEP is compared with the path on
 * the same records ({@link #cepInput}). Before the first run, a load average above {@code
 * --max-load} refuses the whole run unless {@code --allow-busy}; a run during which other processes
 * took more than {@code --max-other-cores} is flagged busy on the page ({@link BusyRule}).
 */
@Command(
        name = "ab",
        description =
                "Interleaved A/B of the previous release's job jar and this build's; writes --out.",
        mixinStandardHelpOptions = true)
final class AbCommand implements Callable<Integer> {

    /** Which jar a run used. */
    enum Side {
        A,
        B
    }

    /** A run's generated input ({@link SampleStream}): concurrent sessions, 5-second steps. */
    record Input(int sessions, int steps) {

        long records() {
            return (long) sessions * steps;
        }

        @Override
        public String toString() {
            return String.format(Locale.ROOT, "%,d sessions × %d steps", sessions, steps);
        }
    }

    /** One job run in a child JVM: its figures, or why it failed. */
    record JobRun(
            int round,
            BenchJob job,
            String backend,
            Side side,
            Input input,
            LoadAverage loadBefore,
            LoadAverage loadAfter,
            RunResult result,
            String failure) {}

    /** One JMH run of the dedup content hash in a child JVM. */
    record HashRun(
            int round,
            Side side,
            LoadAverage loadBefore,
            LoadAverage loadAfter,
            DedupHashCommand.HashCost cost,
            String failure) {}

    /** One state measurement ({@link StateCommand}) of one side in a child JVM. */
    record StateRun(Side side, StateSize size, String failure) {}

    /** The JFR profile of one full-topology run of this build on RocksDB. */
    record ProfileRun(CpuProfile profile, String command, String failure) {}

    @Option(
            names = "--baseline-jar",
            required = true,
            description = "Job jar of the previous release (A), e.g. built from its tag.")
    Path baselineJar;

    @Option(
            names = "--baseline-label",
            description = "What A is, for the page (default: the jar's path).")
    String baselineLabel;

    @Option(
            names = "--current-jar",
            defaultValue = "job/target/cxq-job.jar",
            description = "Job jar of this build (B) (default: ${DEFAULT-VALUE}).")
    Path currentJar;

    @Option(
            names = "--harness-jar",
            description =
                    "This module's classes with CEP and JMH, for the child JVMs (default:"
                            + " cxq-bench-harness.jar beside the running jar).")
    Path harnessJar;

    @Option(names = "--repeats", defaultValue = "3", description = "A/B pairs per figure.")
    int repeats;

    @Mixin BackendsOption backends;

    @Option(
            names = "--child-heap",
            defaultValue = "2g",
            description = "-Xmx of every child JVM (default: ${DEFAULT-VALUE}).")
    String childHeap;

    @Option(
            names = "--hash-iterations",
            defaultValue = "5",
            description = "JMH iterations of the dedup hash per run; 0 leaves it out.")
    int hashIterations;

    @Option(
            names = "--async-backends",
            split = ",",
            defaultValue = "forst,rocksdb,hashmap",
            description =
                    "Backends of the quality path on the asynchronous state API, B only; on forst"
                            + " the synchronous path runs too (default: ${DEFAULT-VALUE}; none to"
                            + " leave it out).")
    List<String> asyncBackends;

    @Option(
            names = "--state-sessions",
            defaultValue = StateCommand.DEFAULT_SESSIONS,
            description =
                    "Sessions of the state measurement of A and B (default: ${DEFAULT-VALUE}; 0"
                            + " leaves it out).")
    int stateSessions;

    @Option(
            names = "--state-steps",
            defaultValue = StateCommand.DEFAULT_STEPS,
            description = "Its loads, in steps (default: ${DEFAULT-VALUE}).")
    String stateSteps;

    @Option(
            names = "--profile",
            negatable = true,
            defaultValue = "true",
            fallbackValue = "true",
            description =
                    "Profiles one more full-topology run of B on RocksDB with JFR (default:"
                            + " ${DEFAULT-VALUE}).")
    boolean profile;

    @Option(
            names = "--profile-sessions",
            defaultValue = "10000",
            description = "Sessions of the profiled run (default: ${DEFAULT-VALUE}).")
    int profileSessions;

    @Option(
            names = "--profile-steps",
            defaultValue = "120",
            description =
                    "Its steps (default: ${DEFAULT-VALUE}), the A/B runs' by default, so that the"
                            + " cluster's start and the warm-up do not dominate the samples.")
    int profileSteps;

    @Option(
            names = "--max-load",
            description =
                    "Highest 1-minute load average before the first run (default: a quarter per"
                            + " core).")
    Double maxLoad;

    @Option(
            names = "--max-other-cores",
            defaultValue = "0.25",
            description =
                    "Cores other processes may use during a run before it is flagged busy"
                            + " (default: ${DEFAULT-VALUE}).")
    double maxOtherCores;

    @Option(
            names = "--allow-busy",
            description = "Run on a busy machine anyway; the page shows the busy flag.")
    boolean allowBusy;

    @Option(
            names = "--out",
            defaultValue = "docs/benchmarks.md",
            description =
                    "Page to write; its hand-written part is kept (default: ${DEFAULT-VALUE}).")
    Path out;

    @Mixin InputOptions inputOptions;

    @Option(
            names = "--cep-sessions",
            defaultValue = "1000",
            description =
                    "Sessions of the CEP comparison: the CEP baseline and the run of B's quality"
                            + " path it is compared with both read this input (default:"
                            + " ${DEFAULT-VALUE}). CEP on RocksDB costs many times what the path"
                            + " does per event; at --sessions it would take most of the A/B.")
    int cepSessions;

    @Option(
            names = "--cep-steps",
            defaultValue = "60",
            description = "Steps of the CEP comparison (default: ${DEFAULT-VALUE}).")
    int cepSteps;

    @Mixin FlinkConfOption flinkConf;

    @Override
    public Integer call() throws Exception {
        BusyRule rule = new BusyRule(maxLoadAverage(), maxOtherCores);
        LoadAverage before = LoadAverage.now();
        if (rule.busyBefore(before) && !allowBusy) {
            System.err.printf(
                    "Refused: load average %s is above %.2f; wait for a quiet machine or pass"
                            + " --allow-busy (the page then flags the figures as busy).%n",
                    before, rule.maxLoadAverage());
            return 2;
        }
        for (Path jar : List.of(baselineJar, currentJar)) {
            if (!Files.isRegularFile(jar)) {
                throw new IllegalArgumentException("no job jar at " + jar);
            }
        }
        ChildJvm children =
                new ChildJvm(
                        harnessJar(),
                        List.of("-Xms" + childHeap, "-Xmx" + childHeap),
                        Files.createTempDirectory("cxq-bench-ab"));
        System.out.println("Child JVM logs in " + children.logDir());

        Input main = new Input(inputOptions.sessions, inputOptions.steps);
        Input cep = new Input(cepSessions, cepSteps);
        List<JobRun> jobRuns = new ArrayList<>();
        List<HashRun> hashRuns = new ArrayList<>();
        for (int round = 1; round <= repeats; round++) {
            for (String backend : backends.names) {
                jobRuns.add(run(children, round, BenchJob.CXQ, backend, Side.A, main));
                jobRuns.add(run(children, round, BenchJob.CXQ, backend, Side.B, main));
                jobRuns.add(run(children, round, BenchJob.QUALITY_PATH, backend, Side.A, main));
                jobRuns.add(run(children, round, BenchJob.QUALITY_PATH, backend, Side.B, main));
                Input cepInput = cepInput(backend, main, cep);
                if (!cepInput.equals(main)) {
                    // CEP is compared with the path on its own input: like for like.
                    jobRuns.add(
                            run(children, round, BenchJob.QUALITY_PATH, backend, Side.B, cepInput));
                }
                // CEP is no part of a release: it runs on this build's parser, as the path does.
                jobRuns.add(run(children, round, BenchJob.CEP, backend, Side.B, cepInput));
                jobRuns.add(run(children, round, BenchJob.INPUT_STAGE, backend, Side.B, cepInput));
            }
            for (String backend : asyncBackends) {
                if ("none".equals(backend)) {
                    continue;
                }
                if (!backends.names.contains(backend)) {
                    jobRuns.add(run(children, round, BenchJob.QUALITY_PATH, backend, Side.B, main));
                }
                jobRuns.add(
                        run(children, round, BenchJob.ASYNC_QUALITY_PATH, backend, Side.B, main));
            }
            if (hashIterations > 0) {
                hashRuns.add(hash(children, round, Side.A));
                hashRuns.add(hash(children, round, Side.B));
            }
        }
        List<StateRun> stateRuns = new ArrayList<>();
        if (stateSessions > 0) {
            stateRuns.add(state(children, Side.A));
            stateRuns.add(state(children, Side.B));
        }
        ProfileRun profileRun = profile ? profile(children) : null;
        LoadAverage after = LoadAverage.now();

        AbReport report =
                new AbReport(
                        main,
                        cep,
                        repeats,
                        baselineLabel == null ? baselineJar.toString() : baselineLabel,
                        childHeap,
                        rule,
                        before,
                        after,
                        jobRuns,
                        hashRuns,
                        stateRuns,
                        profileRun);
        String markdown = report.markdown();
        System.out.println(markdown);
        Path page = out.toAbsolutePath();
        Files.createDirectories(page.getParent());
        Files.writeString(page, markdown + AbReport.handWritten(page));
        System.out.println("Written to " + page);
        return 0;
    }

    /**
     * CEP's input on {@code backend}: its own, {@code cep}, on RocksDB, where CEP reads and clears
     * its shared buffer per event and the main input would take most of the A/B; the main input on
     * the heap, where the second half of the small one used 0.1-0.4 s of CPU, a few ticks of the 10
     * ms the CPU times count in.
     */
    static Input cepInput(String backend, Input main, Input cep) {
        return "hashmap".equals(backend) ? main : cep;
    }

    private double maxLoadAverage() {
        return maxLoad != null ? maxLoad : Runtime.getRuntime().availableProcessors() * 0.25;
    }

    private Path harnessJar() throws Exception {
        if (harnessJar != null) {
            return harnessJar;
        }
        Path running =
                Path.of(
                        BenchMain.class
                                .getProtectionDomain()
                                .getCodeSource()
                                .getLocation()
                                .toURI());
        return running.resolveSibling("cxq-bench-harness.jar");
    }

    private Path jar(Side side) {
        return side == Side.A ? baselineJar : currentJar;
    }

    private JobRun run(
            ChildJvm children, int round, BenchJob job, String backend, Side side, Input input)
            throws Exception {
        List<String> args = new ArrayList<>();
        args.addAll(
                List.of(
                        "run",
                        "--job",
                        job.name(),
                        "--backend",
                        backend,
                        "--sessions",
                        Integer.toString(input.sessions()),
                        "--steps",
                        Integer.toString(input.steps())));
        for (Map.Entry<String, String> conf : flinkConf.overrides.entrySet()) {
            args.add("--flink-conf");
            args.add(conf.getKey() + "=" + conf.getValue());
        }
        String name =
                String.format(
                                "%02d-%s-%s-%s-%dx%d",
                                round, job, backend, side, input.sessions(), input.steps())
                        .toLowerCase();
        LoadAverage loadBefore = LoadAverage.now();
        try {
            RunResult result = RunResult.read(children.run(jar(side), name, args));
            return new JobRun(
                    round, job, backend, side, input, loadBefore, LoadAverage.now(), result, null);
        } catch (ChildJvm.Failed e) {
            System.err.println(e.getMessage());
            return new JobRun(
                    round,
                    job,
                    backend,
                    side,
                    input,
                    loadBefore,
                    LoadAverage.now(),
                    null,
                    e.getMessage());
        }
    }

    private StateRun state(ChildJvm children, Side side) throws Exception {
        List<String> args =
                List.of(
                        "state",
                        "--sessions",
                        Integer.toString(stateSessions),
                        "--steps",
                        stateSteps);
        try {
            return new StateRun(
                    side,
                    StateSize.read(
                            children.run(jar(side), "state-" + side.name().toLowerCase(), args)),
                    null);
        } catch (ChildJvm.Failed e) {
            System.err.println(e.getMessage());
            return new StateRun(side, null, e.getMessage());
        }
    }

    /**
     * One more full-topology run of B on RocksDB, recorded by JFR ({@code settings=profile}), on
     * its own input size; its figures are not used (the recorder costs a few per cent).
     */
    private ProfileRun profile(ChildJvm children) throws Exception {
        Path recording = children.logDir().resolve("profile-cxq-rocksdb-b.jfr");
        List<String> options = new ArrayList<>(children.jvmOptions());
        options.add("-XX:StartFlightRecording=filename=" + recording + ",settings=profile");
        ChildJvm recorded = new ChildJvm(children.harnessJar(), options, children.logDir());
        List<String> args =
                List.of(
                        "run",
                        "--job",
                        BenchJob.CXQ.name(),
                        "--backend",
                        "rocksdb",
                        "--sessions",
                        Integer.toString(profileSessions),
                        "--steps",
                        Integer.toString(profileSteps));
        String command =
                String.format(
                        "java -XX:StartFlightRecording=filename=/tmp/cxq.jfr,settings=profile -cp"
                                + " job/target/cxq-job.jar:bench/target/cxq-bench-harness.jar %s"
                                + " %s",
                        BenchMain.class.getName(), String.join(" ", args));
        try {
            recorded.run(currentJar, "profile-cxq-rocksdb-b", args);
            return new ProfileRun(CpuProfile.read(recording), command, null);
        } catch (ChildJvm.Failed e) {
            System.err.println(e.getMessage());
            return new ProfileRun(null, command, e.getMessage());
        }
    }

    private HashRun hash(ChildJvm children, int round, Side side) throws Exception {
        String name = String.format("%02d-dedup-hash-%s", round, side).toLowerCase();
        LoadAverage loadBefore = LoadAverage.now();
        List<String> args = List.of("dedup-hash", "--iterations", Integer.toString(hashIterations));
        try {
            DedupHashCommand.HashCost cost =
                    DedupHashCommand.HashCost.read(children.run(jar(side), name, args));
            return new HashRun(round, side, loadBefore, LoadAverage.now(), cost, null);
        } catch (ChildJvm.Failed e) {
            System.err.println(e.getMessage());
            return new HashRun(round, side, loadBefore, LoadAverage.now(), null, e.getMessage());
        }
    }
}
