#!/usr/bin/env bash
# Real-Slurm test of scripts/slurm/: starts a one-node cluster (scripts/slurm/local-cluster.sh), submits the
# pipeline with scripts/slurm/submit_pipeline.sh and checks the wiring: array index -> --shard i/n, every
# stage's flags, --threads from SLURM_CPUS_PER_TASK, dependency order (all transform shards end before the
# transform merge starts, which ends before any encode shard starts, ...), and that a failing shard stops
# the chain and makes --wait fail.
#
# Usage: test_slurm_pipeline.sh REPO_ROOT WORK_DIR
#   The nnr apps are replaced by tiny fake scripts (NNR_BIN=WORK_DIR/fakebin) that log their arguments and
#   start/end times, and fail when asked to (RUN/fail_on), so the Slurm wiring is tested on its own.
# Exit 0 pass, 1 fail, 77 skipped (slurm-wlm or munge not installed).
set -euo pipefail
repo="$(cd "${1:?repo root}" && pwd)"
work="${2:?work dir}"
export PATH="$PATH:/usr/sbin:/sbin"
for p in sbatch slurmctld slurmd munged scontrol sinfo; do
  command -v "$p" >/dev/null 2>&1 || { echo "SKIP: $p not found (apt-get install -y slurm-wlm munge)"; exit 77; }
done

rm -rf "$work"
mkdir -p "$work"
work="$(cd "$work" && pwd)"
cluster="$work/cluster"
# A port of our own so parallel test runs or a leftover cluster do not collide.
export NNR_SLURM_PORT="${NNR_SLURM_PORT:-$((20000 + RANDOM % 20000))}"
fail() { echo "FAIL: $*"; echo "--- slurmctld.log (tail)"; tail -n 20 "$cluster/slurmctld.log" 2>/dev/null || true; exit 1; }
cleanup() { "$repo/scripts/slurm/local-cluster.sh" stop "$cluster" || true; }
trap cleanup EXIT
eval "$("$repo/scripts/slurm/local-cluster.sh" start "$cluster")" || fail "local cluster did not start"
export NNR_SLURM_POLL_S=0.5

# ---------------------------------------------------------------- fake apps
fake="$work/fakebin"
mkdir -p "$fake"
for name in nnr-transform nnr-encode nnr-evaluate; do
  cat >"$fake/$name" <<'EOF'
#!/usr/bin/env bash
# Fake nnr app: logs "<start ns> <end ns> <name> <args...>" to $RUN/calls/ (one file per call), fails on request.
set -u
name="$(basename "$0")"
run=""
prev=""
for a in "$@"; do
  case "$prev" in --out|--run) run="$a" ;; esac
  prev="$a"
done
[ -n "$run" ] || { echo "$name: no --out/--run" >&2; exit 64; }
start="$(date +%s%N)"
sleep 0.3
end="$(date +%s%N)"
mkdir -p "$run/calls"
echo "$start $end $name $* cpus=${SLURM_CPUS_PER_TASK:-} task=${SLURM_ARRAY_TASK_ID:-}" \
  >"$run/calls/$name.$$.$start"
# fail_on holds lines "NAME ARGS", e.g. "nnr-encode --encoder ae --shard 1/3": exit 3 when we are NAME and
# ARGS occur, contiguous, in our command line
if [ -f "$run/fail_on" ]; then
  while read -r want_name want_args; do
    [ "$want_name" = "$name" ] || continue
    case " $* " in *" $want_args "*) echo "$name: failing on purpose ($want_args)" >&2; exit 3 ;; esac
  done <"$run/fail_on"
fi
echo ok >"$run/marker.$name.$$"
EOF
  chmod +x "$fake/$name"
done

config="$work/config.json"
echo '{"transform": {}}' >"$config"
mkdir -p "$work/input"
export NNR_BIN="$fake"

# Reads all call logs of RUN into $work/calls.txt sorted by start time.
collect() { cat "$1"/calls/* 2>/dev/null | sort -n >"$work/calls.txt" || true; }
count() { grep -c -- "$1" "$work/calls.txt" || true; }
# max end of lines matching $1, min start of lines matching $2
max_end() { grep -- "$1" "$work/calls.txt" | awk 'BEGIN{m=0} {if ($2>m) m=$2} END{print m}'; }
min_start() { grep -- "$1" "$work/calls.txt" | awk 'BEGIN{m=""} {if (m=="" || $1<m) m=$1} END{print m}'; }
before() {  # before A B: every A ends before any B starts
  local a b
  a="$(max_end "$1")"; b="$(min_start "$2")"
  [ -n "$b" ] && [ "$a" -gt 0 ] && [ "$a" -le "$b" ] || fail "order: '$1' (end $a) not before '$2' (start $b)"
}

# ---------------------------------------------------------------- 1. success: 3 shards, 2 encoders
run1="$work/run_ok"
out="$("$repo/scripts/slurm/submit_pipeline.sh" "$run1" "$config" "$work/input" --shards 3 --encoders mfcc,ae \
        --cpus 1 --wait 2>"$work/submit1.err")" || { cat "$work/submit1.err"; fail "pipeline did not complete"; }
echo "$out"
collect "$run1"
cut -d' ' -f3- "$work/calls.txt"
n="$(wc -l <"$work/calls.txt")"
[ "$n" -eq 16 ] || fail "expected 16 calls (3+1 transform, 2x(3+1) encode, 3+1 evaluate), got $n"
for i in 0 1 2; do
  [ "$(count "nnr-transform --config $config --input $work/input --out $run1 --shard $i/3 --threads 1 cpus=1 task=$i")" = 1 ] \
    || fail "transform shard $i/3 missing or wrong flags"
  for e in mfcc ae; do
    [ "$(count "nnr-encode --run $run1 --encoder $e --shard $i/3 --threads 1 cpus=1 task=$i")" = 1 ] \
      || fail "encode $e shard $i/3 missing or wrong flags"
  done
  [ "$(count "nnr-evaluate --run $run1 --shard $i/3 --threads 1 cpus=1 task=$i")" = 1 ] \
    || fail "evaluate shard $i/3 missing or wrong flags"
done
[ "$(count "nnr-transform --merge --out $run1 --threads 1")" = 1 ] || fail "transform merge missing"
[ "$(count "nnr-encode --run $run1 --encoder mfcc --merge --threads 1")" = 1 ] || fail "encode mfcc merge missing"
[ "$(count "nnr-encode --run $run1 --encoder ae --merge --threads 1")" = 1 ] || fail "encode ae merge missing"
[ "$(count "nnr-evaluate --run $run1 --merge --threads 1")" = 1 ] || fail "evaluate merge missing"
before "nnr-transform .*--shard" "nnr-transform --merge"
before "nnr-transform --merge" "nnr-encode"
before "nnr-encode --run $run1 --encoder mfcc --shard" "nnr-encode --run $run1 --encoder mfcc --merge"
before "nnr-encode --run $run1 --encoder ae --shard" "nnr-encode --run $run1 --encoder ae --merge"
before "nnr-encode" "nnr-evaluate"
before "nnr-evaluate .*--shard" "nnr-evaluate --run $run1 --merge"
[ "$(wc -l <"$run1/logs/slurm/jobs.txt")" -eq 8 ] || fail "jobs.txt should list 8 jobs"
ls "$run1"/logs/slurm/nnr-transform-*_2.out >/dev/null 2>&1 || fail "array task logs missing"
echo "ok 1 - success chain: shards, flags, order"

# ---------------------------------------------------------------- 2. a failing encode shard stops the chain
run2="$work/run_fail"
mkdir -p "$run2"
echo "nnr-encode --encoder ae --shard 1/2" >"$run2/fail_on"
if "$repo/scripts/slurm/submit_pipeline.sh" "$run2" "$config" "$work/input" --shards 2 --encoders mfcc,ae \
     --cpus 1 --wait >"$work/submit2.out" 2>"$work/submit2.err"; then
  fail "--wait returned 0 although an encode shard failed"
fi
cat "$work/submit2.err"
collect "$run2"
[ "$(count "nnr-transform --merge")" = 1 ] || fail "transform merge should have run"
[ "$(count "nnr-encode --run $run2 --encoder ae --shard")" = 2 ] || fail "both ae encode shards should have run"
[ "$(count "nnr-encode --run $run2 --encoder ae --merge")" = 0 ] || fail "ae encode merge ran after a failed shard"
[ "$(count "nnr-evaluate")" = 0 ] || fail "evaluate ran after a failed encode shard"
ae_array="$(awk '$1=="nnr-encode-ae"{print $2}' "$run2/logs/slurm/jobs.txt")"
scontrol show job -o "$ae_array" | grep -q "ArrayTaskId=1 .*JobState=FAILED.*ExitCode=3:0" \
  || fail "the failed shard should be FAILED with exit code 3: $(scontrol show job -o "$ae_array")"
eval_merge="$(awk '$1=="nnr-evaluate-merge"{print $2}' "$run2/logs/slurm/jobs.txt")"
state="$(scontrol show job -o "$eval_merge" | grep -o 'JobState=[A-Z]*')"
[ "$state" = JobState=CANCELLED ] || fail "final job should be cancelled, is $state"
echo "ok 2 - failing shard: chain stopped, exit code propagated"

# ---------------------------------------------------------------- 3. a failing transform shard, 1 shard,
# apps in the build-tree layout NNR_BIN/nnr-x/nnr-x
run3="$work/run_fail_transform"
mkdir -p "$run3"
echo "nnr-transform --shard 0/1" >"$run3/fail_on"
for name in nnr-transform nnr-encode nnr-evaluate; do
  mkdir -p "$work/apps/$name"
  cp "$fake/$name" "$work/apps/$name/$name"
done
if NNR_BIN="$work/apps" "$repo/scripts/slurm/submit_pipeline.sh" "$run3" "$config" "$work/input" --shards 1 --cpus 1 --wait \
     >/dev/null 2>&1; then
  fail "--wait returned 0 although the transform failed"
fi
collect "$run3"
[ "$(wc -l <"$work/calls.txt")" -eq 1 ] || fail "only the failed transform shard should have run"
grep -q "^\+ .*$work/apps/nnr-transform/nnr-transform --config" "$run3"/logs/slurm/nnr-transform-*_0.out \
  || fail "build-tree layout: $work/apps/nnr-transform/nnr-transform not used"
echo "ok 3 - failing first stage, build-tree layout"

# ---------------------------------------------------------------- 4. --row-shards: a rows array between
# the encode merges and the evaluate shards
run5="$work/run_rows"
"$repo/scripts/slurm/submit_pipeline.sh" "$run5" "$config" "$work/input" --shards 2 --row-shards 3 --cpus 1 --wait \
  >/dev/null 2>"$work/submit5.err" || { cat "$work/submit5.err"; fail "row-sharded pipeline did not complete"; }
collect "$run5"
for i in 0 1 2; do
  [ "$(count "nnr-evaluate --run $run5 --rows $i/3 --threads 1 cpus=1 task=$i")" = 1 ] \
    || fail "evaluate rows $i/3 missing or wrong flags"
done
[ "$(count "nnr-evaluate --run $run5 --shard")" = 2 ] || fail "evaluate shards should follow the rows"
before "nnr-encode" "nnr-evaluate --run $run5 --rows"
before "nnr-evaluate --run $run5 --rows" "nnr-evaluate --run $run5 --shard"
echo "ok 4 - row shards: rows array before the evaluate shards"

# ---------------------------------------------------------------- 5. usage errors
if "$repo/scripts/slurm/submit_pipeline.sh" "$work/r4" "$work/nope.json" "$work/input" 2>"$work/e4"; then
  fail "missing config accepted"
fi
grep -q "config not found" "$work/e4" || fail "missing config: unclear message: $(cat "$work/e4")"
if NNR_BIN="$work/nope" "$repo/scripts/slurm/submit_pipeline.sh" "$work/r4" "$config" "$work/input" 2>"$work/e4"; then
  fail "missing NNR_BIN accepted"
fi
grep -q "NNR_BIN" "$work/e4" || fail "missing NNR_BIN: unclear message"
echo "ok 5 - usage errors"
echo PASS
