#!/bin/sh
# Loads the bundled sample into Kafka, then a generated stream of live sessions until stopped.
# Runs in the apache/kafka image (POSIX sh, awk); records are keyed by session_id so that each
# session stays on one partition, in order.
set -eu
BOOTSTRAP="${KAFKA_BOOTSTRAP:-kafka:9092}"
TOPIC="${KAFKA_TOPIC:-cxq-events}"
SESSIONS="${GENERATED_SESSIONS:-20}"
SAMPLE="${SAMPLE:-/samples/events.jsonl}"
KAFKA_BIN="${KAFKA_BIN:-/opt/kafka/bin}"
PRODUCE="$KAFKA_BIN/kafka-console-producer.sh --bootstrap-server $BOOTSTRAP --topic $TOPIC \
  --property parse.key=true --property key.separator=|"

# The sample has bad lines on purpose (rejected_events); a line without session_id gets key "none".
awk '{ k = "none"; if (match($0, /"session_id": *"[^"]*"/)) { k = substr($0, RSTART, RLENGTH);
       sub(/^"session_id": *"/, "", k); sub(/"$/, "", k) } print k "|" $0 }' \
  "$SAMPLE" | $PRODUCE
echo "producer: sample loaded"

# Live sessions: each connects, sends a media sample every second for 2 to 5 minutes (one in five
# degrades for a minute), completes, and a new one takes its slot.
awk -v sessions="$SESSIONS" 'BEGIN {
  srand();
  for (s = 0; s < sessions; s++) { left[s] = 0 }
  n = 0;
  while (1) {
    "date -u +%Y-%m-%dT%H:%M:%SZ" | getline ts; close("date -u +%Y-%m-%dT%H:%M:%SZ");
    for (s = 0; s < sessions; s++) {
      if (left[s] == 0) {
        if (id[s] != "") {
          printf "%s|{\"event_id\":\"%s-end\",\"kind\":\"interaction\",\"session_id\":\"%s\",\"ts\":\"%s\",\"state\":\"completed\",\"agent_id\":\"agent-%d\",\"queue_id\":\"q-%d\"}\n", id[s], id[s], id[s], ts, s, s % 3;
        }
        n++; id[s] = "live-" n; left[s] = 120 + int(rand() * 180); bad[s] = (n % 5 == 0);
        printf "%s|{\"event_id\":\"%s-start\",\"kind\":\"interaction\",\"session_id\":\"%s\",\"ts\":\"%s\",\"state\":\"connected\",\"agent_id\":\"agent-%d\",\"queue_id\":\"q-%d\",\"customer_id\":\"cust-%d\",\"recording_required\":true}\n", id[s], id[s], id[s], ts, s, s % 3, int(rand() * 50);
      }
      left[s]--;
      degraded = bad[s] && left[s] > 30 && left[s] < 90;
      printf "%s|{\"event_id\":\"%s-%d\",\"kind\":\"media_sample\",\"session_id\":\"%s\",\"ts\":\"%s\",\"agent_id\":\"agent-%d\",\"queue_id\":\"q-%d\",\"mos\":%.2f,\"packet_loss_pct\":%.2f,\"jitter_ms\":%d,\"rtt_ms\":%d}\n", id[s], id[s], left[s], id[s], ts, s, s % 3, degraded ? 2.4 + rand() * 0.5 : 4.0 + rand() * 0.4, degraded ? 4 + rand() * 4 : rand() * 0.5, 5 + int(rand() * 20), 40 + int(rand() * 60);
    }
    fflush();
    system("sleep 1");
  }
}' | $PRODUCE
