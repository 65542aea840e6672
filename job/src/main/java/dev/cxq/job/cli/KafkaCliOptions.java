package dev.cxq.job.cli;

import dev.cxq.job.kafka.KafkaInput;
import dev.cxq.job.kafka.StartingOffsets;
import dev.cxq.job.secret.Redaction;
import dev.cxq.job.secret.SecretRef;

import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Kafka as input (topics, offsets, signed records) and as output (dead-letter and alerts topics);
 * docs/kafka.md.
 */
final class KafkaCliOptions {

    static final String SIGNING_SECRET_ENV = "CXQ_SIGNING_SECRET";

    static final String KAFKA_BOOTSTRAP = "--kafka-bootstrap";

    @Config(key = "kafka.bootstrap", rule = "exactly one input")
    @Option(
            names = KAFKA_BOOTSTRAP,
            description =
                    "Kafka bootstrap servers HOST:PORT[,...]: read the topics instead of files.")
    String kafkaBootstrap;

    static final String KAFKA_TOPICS = "--kafka-topics";

    @Config(key = "kafka.topics", rule = "required with kafka.bootstrap")
    @Option(names = KAFKA_TOPICS, split = ",", description = "Topics to read, comma-separated.")
    List<String> kafkaTopics;

    static final String KAFKA_GROUP_ID = "--kafka-group-id";

    @Config(key = "kafka.group-id", rule = "not blank")
    @Option(names = KAFKA_GROUP_ID, defaultValue = "cxq", description = "Consumer group.")
    String kafkaGroupId;

    static final String STARTING_OFFSETS = "--starting-offsets";

    @Config(
            key = "kafka.starting-offsets",
            rule = "earliest, latest, committed or timestamp:MILLIS")
    @Option(
            names = STARTING_OFFSETS,
            defaultValue = "committed",
            description =
                    "earliest, latest, committed (earliest for a new group) or timestamp:MILLIS.")
    String startingOffsets;

    static final String UNTIL = "--until";

    @Config(key = "kafka.until", rule = "latest; needs kafka.bootstrap")
    @Option(
            names = UNTIL,
            description =
                    "latest: stop once the offsets that were latest at start are read (backfills).")
    String until;

    static final String KAFKA_PROPERTY = "--kafka-property";

    @Config(
            key = "kafka.properties",
            rule = "KEY=VALUE pairs; a credential only as ${env:X}, ${file:F:K} or ${dir:D:F}")
    @Option(
            names = KAFKA_PROPERTY,
            description =
                    "A Kafka client property KEY=VALUE for consumers and producers (SASL, TLS, ...);"
                            + " repeatable. A credential (sasl.jaas.config, *password*, *secret*)"
                            + " only as a config provider variable: ${env:VARIABLE},"
                            + " ${file:FILE:KEY} or ${dir:DIRECTORY:FILE}.")
    Map<String, String> kafkaProperties = new LinkedHashMap<>();

    static final String DEAD_LETTER_TOPIC = "--dead-letter-topic";

    @Config(key = "kafka.dead-letter-topic", rule = "needs kafka.bootstrap")
    @Option(
            names = DEAD_LETTER_TOPIC,
            description = "Also write rejected and late events to this Kafka topic.")
    String deadLetterTopic;

    static final String ALERTS_TOPIC = "--alerts-topic";

    @Config(key = "kafka.alerts-topic", rule = "needs kafka.bootstrap")
    @Option(
            names = ALERTS_TOPIC,
            description =
                    "Also write every alert transition to this Kafka topic, exactly once"
                            + " (transactions; read it with isolation.level=read_committed).")
    String alertsTopic;

    static final String TRANSACTIONAL_ID_PREFIX = "--transactional-id-prefix";

    @Config(key = "kafka.transactional-id-prefix", rule = "not blank")
    @Option(
            names = TRANSACTIONAL_ID_PREFIX,
            defaultValue = "cxq-alerts",
            description =
                    "Prefix of the alerts topic's Kafka transactional ids; unique per job in the"
                            + " Kafka cluster.")
    String transactionalIdPrefix;

    static final String SIGNING_SECRET_FILE = "--signing-secret-file";

    @Config(key = "kafka.signing-secret-file", rule = "a readable file")
    @Option(
            names = SIGNING_SECRET_FILE,
            description =
                    "File holding the HMAC-SHA256 secret of signed payloads. Without it the secret"
                            + " is read from the environment variable "
                            + SIGNING_SECRET_ENV
                            + "; without either, --kafka-allow-unsigned-input is required.")
    Path signingSecretFile;

    static final String KAFKA_ALLOW_UNSIGNED_INPUT = "--kafka-allow-unsigned-input";

    @Config(
            key = "kafka.allow-unsigned-input",
            rule = "true or false; needed without a signing secret")
    @Option(
            names = KAFKA_ALLOW_UNSIGNED_INPUT,
            description =
                    "Accept Kafka records without checking their signature (no signing secret).")
    boolean kafkaAllowUnsignedInput;

    static final String SIGNATURE_HEADER = "--signature-header";

    @Config(key = "kafka.signature-header", rule = "not blank")
    @Option(
            names = SIGNATURE_HEADER,
            defaultValue = "X-Cxq-Signature",
            description = "Kafka header carrying the hex HMAC-SHA256 of the record value.")
    String signatureHeader;

    boolean enabled() {
        return kafkaBootstrap != null;
    }

    /** The source's settings; {@code env} is the process environment. */
    KafkaInput input(Map<String, String> env) {
        return new KafkaInput(
                kafkaBootstrap,
                kafkaTopics,
                kafkaGroupId,
                startingOffsets,
                until != null,
                kafkaClientProperties(),
                signingSecret(env),
                signatureHeader);
    }

    /**
     * The Kafka client properties: the user's, plus Kafka's built-in config providers {@code env},
     * {@code file} and {@code dir} when the user declares none, so that a credential given as
     * {@code ${env:X}} is resolved by the client on the task manager and never travels in the job.
     */
    Map<String, String> kafkaClientProperties() {
        Map<String, String> properties = new LinkedHashMap<>(kafkaProperties);
        if (!properties.containsKey("config.providers")) {
            properties.put("config.providers", "env,file,dir");
            String providers = "org.apache.kafka.common.config.provider.";
            properties.put("config.providers.env.class", providers + "EnvVarConfigProvider");
            properties.put("config.providers.file.class", providers + "FileConfigProvider");
            properties.put("config.providers.dir.class", providers + "DirectoryConfigProvider");
        }
        return properties;
    }

    /** Where the input signing secret is: the file, else {@code CXQ_SIGNING_SECRET} if set. */
    SecretRef signingSecret(Map<String, String> env) {
        return SecretLocation.of(signingSecretFile, SIGNING_SECRET_ENV, env);
    }

    /** The Kafka options' problems; {@code env} is the process environment (the signing secret). */
    void validate(Problems problems, Map<String, String> env) {
        if (enabled()) {
            if (kafkaTopics == null
                    || kafkaTopics.isEmpty()
                    || kafkaTopics.stream().anyMatch(String::isBlank)) {
                problems.add(
                        problems.name(KAFKA_BOOTSTRAP)
                                + " needs "
                                + problems.name(KAFKA_TOPICS)
                                + " T1[,T2...]"
                                + (kafkaTopics == null || kafkaTopics.isEmpty()
                                        ? ""
                                        : ": " + kafkaTopics));
            }
        } else {
            for (String kafkaOnly : List.of(KAFKA_TOPICS, UNTIL, DEAD_LETTER_TOPIC, ALERTS_TOPIC)) {
                if (problems.isSet(kafkaOnly)) {
                    problems.add(
                            problems.name(kafkaOnly) + " needs " + problems.name(KAFKA_BOOTSTRAP));
                }
            }
        }
        try {
            StartingOffsets.parse(startingOffsets);
        } catch (IllegalArgumentException e) {
            problems.add(
                    problems.name(STARTING_OFFSETS)
                            + " must be earliest, latest, committed or timestamp:MILLIS: "
                            + startingOffsets);
        }
        if (until != null && !until.equals("latest")) {
            problems.add(problems.name(UNTIL) + " accepts only latest: " + until);
        }
        problems.notBlank(KAFKA_GROUP_ID, kafkaGroupId);
        problems.notBlank(TRANSACTIONAL_ID_PREFIX, transactionalIdPrefix);
        problems.notBlank(SIGNATURE_HEADER, signatureHeader);
        problems.readable(SIGNING_SECRET_FILE, signingSecretFile);
        if (enabled()) {
            validateSecrets(problems, env);
        }
    }

    /**
     * Kafka credentials stay out of the job: a credential property names its secret through a Kafka
     * config provider, and unsigned input is an explicit choice.
     */
    private void validateSecrets(Problems problems, Map<String, String> env) {
        kafkaProperties.forEach(
                (key, value) -> {
                    if (Redaction.isKafkaCredential(key) && !Redaction.hasKafkaVariable(value)) {
                        problems.add(
                                problems.name(KAFKA_PROPERTY)
                                        + " "
                                        + key
                                        + " holds a credential: give it as a config provider"
                                        + " variable, ${env:VARIABLE}, ${file:FILE:KEY} or"
                                        + " ${dir:DIRECTORY:FILE}, read by the Kafka client on"
                                        + " the task managers");
                    }
                });
        if (signingSecret(env) == null && !kafkaAllowUnsignedInput) {
            problems.add(
                    problems.name(KAFKA_BOOTSTRAP)
                            + " reads signed input: give "
                            + problems.name(SIGNING_SECRET_FILE)
                            + " or "
                            + SIGNING_SECRET_ENV
                            + ", or "
                            + problems.name(KAFKA_ALLOW_UNSIGNED_INPUT)
                            + " to accept records without a checked signature");
        }
    }
}
