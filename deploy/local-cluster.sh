#!/usr/bin/env bash
# A standalone Flink session cluster on this machine: one JobManager and TaskManagers, each its own
# JVM, started from the Flink artifacts on Maven Central (deploy/local-cluster/pom.xml) with the
# cluster's own config.yaml. ClusterITCase runs cxq on it; by hand:
#
#   deploy/local-cluster.sh start            # JobManager + 2 TaskManagers, web UI on :8081
#   deploy/local-cluster.sh start-taskmanager
#   deploy/local-cluster.sh kill-taskmanager N   # SIGKILL, as a lost pod or machine
#   deploy/local-cluster.sh stop
#
# Environment: CXQ_CLUSTER_DIR (work directory: conf, logs, checkpoints, savepoints; default
# deploy/local-cluster/target/cluster), CXQ_CLUSTER_REST_PORT (8081), CXQ_CLUSTER_RPC_PORT (6123),
# CXQ_CLUSTER_SLOTS (slots per TaskManager, 2), CXQ_CLUSTER_TASKMANAGERS (started by start, 2).
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
lib="$here/local-cluster/target/flink/lib"
dir="${CXQ_CLUSTER_DIR:-$here/local-cluster/target/cluster}"
rest_port="${CXQ_CLUSTER_REST_PORT:-8081}"
rpc_port="${CXQ_CLUSTER_RPC_PORT:-6123}"
slots="${CXQ_CLUSTER_SLOTS:-2}"
taskmanagers="${CXQ_CLUSTER_TASKMANAGERS:-2}"
java="${JAVA_HOME:+$JAVA_HOME/bin/}java"
# The module openings of Flink's own scripts (env.java.default-opts.all of its config.yaml): Flink
# and Kryo reach into JDK internals.
java_opens="--add-exports=java.rmi/sun.rmi.registry=ALL-UNNAMED
--add-exports=java.security.jgss/sun.security.krb5=ALL-UNNAMED
--add-opens=java.base/java.lang=ALL-UNNAMED --add-opens=java.base/java.net=ALL-UNNAMED
--add-opens=java.base/java.io=ALL-UNNAMED --add-opens=java.base/java.nio=ALL-UNNAMED
--add-opens=java.base/sun.nio.ch=ALL-UNNAMED --add-opens=java.base/java.lang.reflect=ALL-UNNAMED
--add-opens=java.base/java.text=ALL-UNNAMED --add-opens=java.base/java.time=ALL-UNNAMED
--add-opens=java.base/java.util=ALL-UNNAMED --add-opens=java.base/java.util.concurrent=ALL-UNNAMED
--add-opens=java.base/java.util.concurrent.atomic=ALL-UNNAMED
--add-opens=java.base/java.util.concurrent.locks=ALL-UNNAMED"

fetch_flink() {
    if [ ! -d "$lib" ] || [ -z "$(ls -A "$lib" 2>/dev/null)" ]; then
        echo "local-cluster: copying the Flink runtime from Maven into $lib"
        mvn -B -q -f "$here/local-cluster/pom.xml" dependency:copy-dependencies
    fi
}

write_config() {
    mkdir -p "$dir/conf" "$dir/log" "$dir/pids" "$dir/tmp" "$dir/checkpoints" "$dir/savepoints"
    # The cluster's configuration: the job sets none of these unless its user gives the flag.
    cat >"$dir/conf/config.yaml" <<EOF
jobmanager:
  rpc:
    address: localhost
    port: $rpc_port
  bind-host: localhost
  memory:
    process:
      size: 1024m
taskmanager:
  host: localhost
  bind-host: localhost
  numberOfTaskSlots: $slots
  memory:
    process:
      size: 1536m
rest:
  address: localhost
  bind-address: localhost
  port: $rest_port
blob:
  server:
    port: "0"
parallelism:
  default: 2
# Tasks on every TaskManager, so that losing any one of them fails over running tasks.
cluster:
  evenly-spread-out-slots: true
state:
  backend:
    type: rocksdb
    rocksdb:
      localdir: $dir/tmp/rocksdb
execution:
  checkpointing:
    dir: file://$dir/checkpoints
    savepoint-dir: file://$dir/savepoints
    interval: 3s
    incremental: true
    num-retained: 3
    externalized-checkpoint-retention: RETAIN_ON_CANCELLATION
restart-strategy:
  type: exponential-delay
  exponential-delay:
    initial-backoff: 1s
    max-backoff: 10s
    attempts-before-reset-backoff: 30
# Patient RPC start-up and calls: on a busy machine the actor system takes longer than the 10 s
# defaults.
pekko:
  startup-timeout: 60 s
  ask:
    timeout: 30 s
  lookup:
    timeout: 30 s
# A killed TaskManager is noticed within seconds instead of the default 50 s.
heartbeat:
  interval: 2000
  timeout: 10000
io:
  tmp:
    dirs: $dir/tmp
web:
  upload:
    dir: $dir/uploads
EOF
    cat >"$dir/conf/log4j.properties" <<'EOF'
rootLogger.level = INFO
rootLogger.appenderRef.file.ref = MainAppender
appender.main.name = MainAppender
appender.main.type = File
appender.main.append = true
appender.main.fileName = ${sys:log.file}
appender.main.layout.type = PatternLayout
appender.main.layout.pattern = %d{yyyy-MM-dd HH:mm:ss,SSS} %-5p %-60c %x - %m%n
EOF
}

# BashJavaUtils derives the JVM memory flags (first line) and the resolved memory configuration
# (second line) from config.yaml, as Flink's own scripts do.
resource_params() {
    "$java" -cp "$lib/*" org.apache.flink.runtime.util.bash.BashJavaUtils "$1" \
        --configDir "$dir/conf" 2>/dev/null | sed -n 's/^BASH_JAVA_UTILS_EXEC_RESULT://p'
}

start_process() { # name main-class resource-params-command [dynamic properties]
    local name="$1" main="$2" params jvm dynamic
    params="$(resource_params "$3")"
    jvm="$(echo "$params" | sed -n 1p)"
    dynamic="$(echo "$params" | sed -n 2p) ${4:-}"
    # shellcheck disable=SC2086 # the memory flags and dynamic properties are word lists
    nohup "$java" $jvm $java_opens -XX:+IgnoreUnrecognizedVMOptions \
        -Dlog.file="$dir/log/$name.log" -Dlog4j.configurationFile="file:$dir/conf/log4j.properties" \
        -cp "$lib/*" "$main" --configDir "$dir/conf" $dynamic \
        >"$dir/log/$name.out" 2>&1 </dev/null &
    echo $! >"$dir/pids/$name.pid"
    echo "local-cluster: started $name (pid $!)"
}

next_taskmanager() {
    local n=1
    while [ -e "$dir/pids/taskmanager-$n.pid" ] || [ -e "$dir/pids/taskmanager-$n.pid.killed" ]; do n=$((n + 1)); done
    echo "$n"
}

# Waits until the process of $1 has logged $2 (up); fails when it exits first or takes 3 minutes.
await_up() {
    local name="$1" pattern="$2" pid
    pid="$(cat "$dir/pids/$name.pid")"
    for _ in $(seq 1 360); do
        grep -q "$pattern" "$dir/log/$name.log" 2>/dev/null && return 0
        kill -0 "$pid" 2>/dev/null || return 1
        sleep 0.5
    done
    return 1
}

# Starts a process and waits for it to be up, again when it fails to start: on a busy machine
# Pekko's remoting may miss its fixed 10 s start-up timeout.
start_and_await() { # name up-pattern main-class resource-params-command [dynamic properties]
    local name="$1" pattern="$2"
    shift 2
    for attempt in 1 2 3; do
        : >"$dir/log/$name.log"
        start_process "$name" "$@"
        await_up "$name" "$pattern" && return 0
        kill -KILL "$(cat "$dir/pids/$name.pid")" 2>/dev/null || true
        echo "local-cluster: $name did not start (attempt $attempt); see $dir/log/$name.log" >&2
    done
    return 1
}

start_jobmanager() {
    start_and_await jobmanager "Rest endpoint listening" \
        org.apache.flink.runtime.entrypoint.StandaloneSessionClusterEntrypoint GET_JM_RESOURCE_PARAMS
}

# The TaskManager's resource id is its name, so that the REST API's /taskmanagers names the process.
start_taskmanager() {
    local name
    name="taskmanager-$(next_taskmanager)"
    start_and_await "$name" "Successful registration at resource manager" \
        org.apache.flink.runtime.taskexecutor.TaskManagerRunner GET_TM_RESOURCE_PARAMS \
        "-D taskmanager.resource-id=$name"
}

case "${1:-}" in
start)
    for pid_file in "$dir"/pids/*.pid; do
        [ -e "$pid_file" ] || continue
        if kill -0 "$(cat "$pid_file")" 2>/dev/null; then
            echo "local-cluster: already running in $dir; stop it first" >&2
            exit 1
        fi
        rm -f "$pid_file"
    done
    rm -f "$dir"/pids/*.killed
    fetch_flink
    write_config
    start_jobmanager
    for _ in $(seq 1 "$taskmanagers"); do
        start_taskmanager
    done
    echo "local-cluster: REST API and web UI on http://localhost:$rest_port, work directory $dir"
    ;;
start-taskmanager)
    start_taskmanager
    ;;
kill-taskmanager)
    pid_file="$dir/pids/taskmanager-${2:?which TaskManager: its number}.pid"
    kill -KILL "$(cat "$pid_file")"
    mv "$pid_file" "$pid_file.killed"
    echo "local-cluster: killed taskmanager-$2 with SIGKILL"
    ;;
stop)
    for pid_file in "$dir"/pids/*.pid; do
        [ -e "$pid_file" ] || continue
        pid="$(cat "$pid_file")"
        kill "$pid" 2>/dev/null || true
        for _ in $(seq 1 40); do kill -0 "$pid" 2>/dev/null || break; sleep 0.25; done
        kill -KILL "$pid" 2>/dev/null || true
        rm -f "$pid_file"
    done
    rm -f "$dir"/pids/*.killed
    echo "local-cluster: stopped"
    ;;
*)
    echo "usage: $0 start|stop|start-taskmanager|kill-taskmanager N" >&2
    exit 2
    ;;
esac
