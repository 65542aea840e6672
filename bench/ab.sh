#!/usr/bin/env bash
# Regenerates docs/benchmarks.md: builds the job jar of a previous release (a tag or commit) from a
# clean export of it under /tmp, builds this tree, then runs the interleaved A/B benchmark.
#   bench/ab.sh <release tag or commit> [options of `cxq-bench ab`, e.g. --repeats 5]
# Nothing is installed into ~/.m2: both builds only `package`.
set -euo pipefail

baseline=${1:?usage: bench/ab.sh <release tag or commit> [ab options]}
shift
root=$(git rev-parse --show-toplevel)
commit=$(git -C "$root" rev-parse --short "$baseline^{commit}")
export_dir=/tmp/cxq-bench-a-$commit
jar=$export_dir/job/target/cxq-job.jar

if [[ ! -f $jar ]]; then
  rm -rf "$export_dir"
  mkdir -p "$export_dir"
  git -C "$root" archive "$commit" | tar -x -C "$export_dir"
  (cd "$export_dir" && mvn -q -DskipTests -pl job -am package)
fi
(cd "$root" && mvn -q -DskipTests -pl bench -am package)
cd "$root"
label=$baseline
[[ $baseline == "$commit" ]] || label="$baseline ($commit)"
exec java -jar bench/target/cxq-bench.jar ab --baseline-jar "$jar" --baseline-label "$label" "$@"
