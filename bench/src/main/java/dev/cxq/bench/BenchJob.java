package dev.cxq.bench;

/** The jobs a run can time, each on the generated input ({@link SampleStream}). */
enum BenchJob {
    /** {@code CxqPipeline} as the job jar on the classpath builds it, every sink discarding. */
    CXQ("cxq full topology"),
    /** Only cxq's media-quality detection ({@link QualityPath}), the CEP baseline's counterpart. */
    QUALITY_PATH("cxq media-quality path"),
    /** The same detection as a CEP pattern ({@link CepBaseline}). */
    CEP("CEP baseline"),
    /**
     * The input stage the two share ({@link MediaSamples}), its records discarded: what neither
     * detector can go below.
     */
    INPUT_STAGE("shared input stage"),
    /** The quality path on the asynchronous state API ({@link AsyncQualityPath}), for ForSt. */
    ASYNC_QUALITY_PATH("cxq media-quality path, async state");

    final String title;

    BenchJob(String title) {
        this.title = title;
    }
}
