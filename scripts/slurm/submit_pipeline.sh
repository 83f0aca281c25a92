#!/usr/bin/env bash
# Submits the whole nnr pipeline to Slurm as a chain of array jobs:
#
#   transform shards (array 0..N-1) -> transform merge
#     -> for each encoder: encode shards (array) -> encode merge        (encoders run side by side)
#       [-> evaluate row blocks (array 0..R-1, with --row-shards R)]
#       -> evaluate shards (array) -> evaluate merge [-> figures]
#
# Each arrow is --dependency=afterok, so a failed shard stops everything after it (with the cluster's
# DependencyParameters=kill_invalid_depend the dependants are cancelled, otherwise they stay pending with
# Reason=DependencyNeverSatisfied; --wait reports both as a failure).
#
# Usage:
#   scripts/slurm/submit_pipeline.sh RUN CONFIG INPUT [options]
#     RUN      run directory (created); CONFIG  config JSON; INPUT  clips (directory, glob or CSV)
#   --shards N          shards per stage = array size (default 4)
#   --encoders LIST     comma-separated encoders (default mfcc), e.g. mfcc,ae,at,ir,vs,mfcc-at,torchscript:/m/x.pt
#                       (mfcc-<task>: the task head trained on MFCC input, nnr-train --input mfcc)
#   --row-shards R      also split every setting's audio distances by rows over an array of R tasks
#                       (nnr-evaluate --rows i/R) before the evaluate shards, for large test sets (default off)
#   --cpus N            --cpus-per-task of every job (default 4); the apps take --threads from it
#   --time T            --time of every job (default: the partition's)
#   --mem M             --mem of every job (default: the partition's)
#   --partition P       --partition of every job
#   --sbatch-args "..." extra sbatch flags for every job (word-split), e.g. "--account=abc --qos=normal"
#   --encode-sbatch-args "..."  extra sbatch flags for the encode jobs only, e.g. "--gres=gpu:1 -p gpu"
#   --plots             add a final job: /usr/bin/python3 scripts/plot_results.py RUN
#   --wait              block until the last job ends; exit 0 iff it COMPLETED (else 1)
#   --dry-run           print the sbatch commands, submit nothing
# Environment:
#   NNR_BIN     directory of the nnr apps: the build tree (default <repo>/build/apps, where app nnr-x is
#               build/apps/nnr-x/nnr-x) or a flat directory holding nnr-x; made absolute here
#   NNR_TRANSFORM_ARGS, NNR_ENCODE_ARGS, NNR_EVALUATE_ARGS  extra flags for the commands (see the .sbatch files)
#   SLURM_CONF  as usual (e.g. from scripts/slurm/local-cluster.sh)
# Logs: RUN/logs/slurm/<job name>-<job id>_<task>.out; job ids: RUN/logs/slurm/jobs.txt.
# Prints "stage job_id" lines; the last line is the id of the final job.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
usage() { sed -n '2,/^set -euo/p' "${BASH_SOURCE[0]}" | sed -e '$d' -e 's/^# \{0,1\}//' >&2; exit 2; }
die() { echo "submit_pipeline: $*" >&2; exit 1; }

[ $# -ge 3 ] || usage
run="$1" config="$2" input="$3"
shift 3
shards=4 row_shards=0 encoders=mfcc cpus=4 plots=0 wait=0 dry=0
common=() encode_extra=()
while [ $# -gt 0 ]; do
  case "$1" in
    --shards) shards="${2:?}"; shift 2 ;;
    --row-shards) row_shards="${2:?}"; shift 2 ;;
    --encoders) encoders="${2:?}"; shift 2 ;;
    --cpus) cpus="${2:?}"; shift 2 ;;
    --time) common+=(--time "${2:?}"); shift 2 ;;
    --mem) common+=(--mem "${2:?}"); shift 2 ;;
    --partition) common+=(--partition "${2:?}"); shift 2 ;;
    --sbatch-args) read -r -a a <<<"${2:-}"; common+=("${a[@]}"); shift 2 ;;
    --encode-sbatch-args) read -r -a encode_extra <<<"${2:-}"; shift 2 ;;
    --plots) plots=1; shift ;;
    --wait) wait=1; shift ;;
    --dry-run) dry=1; shift ;;
    -h|--help) usage ;;
    *) die "unknown option '$1' (see --help)" ;;
  esac
done
[[ "$shards" =~ ^[1-9][0-9]*$ ]] || die "--shards must be a positive integer (--shards=$shards)"
[[ "$row_shards" =~ ^[0-9]+$ ]] || die "--row-shards must be a non-negative integer (--row-shards=$row_shards)"
[[ "$cpus" =~ ^[1-9][0-9]*$ ]] || die "--cpus must be a positive integer (--cpus=$cpus)"
[ -f "$config" ] || die "config not found (CONFIG=$config)"
[ -e "$input" ] || compgen -G "$input" >/dev/null || die "input not found (INPUT=$input)"
command -v sbatch >/dev/null 2>&1 || [ "$dry" = 1 ] || die "sbatch not found; run on a Slurm login node"

abs() { case "$1" in /*) echo "$1" ;; *) echo "$PWD/$1" ;; esac; }
if [ "$dry" = 1 ]; then run="$(abs "$run")"; else mkdir -p "$run/logs/slurm"; run="$(cd "$run" && pwd)"; fi
config="$(abs "$config")"
input="$(abs "$input")"
bin="$(abs "${NNR_BIN:-$repo/build/apps}")"
[ -d "$bin" ] || die "nnr binaries not found (NNR_BIN=$bin); build with scripts/build.sh or set NNR_BIN"
logs="$run/logs/slurm"

# The jobs inherit this environment (--export=ALL, also where a site sets SBATCH_EXPORT=NONE).
export NNR_RUN="$run" NNR_CONFIG="$config" NNR_INPUT="$input" NNR_SHARDS="$shards" NNR_BIN="$bin"
export NNR_ROW_SHARDS="$row_shards"
unset NNR_ENCODER NNR_THREADS
jobs_file="$logs/jobs.txt"
[ "$dry" = 1 ] || : >"$jobs_file"
last=""

# submit STAGE DEPENDENCY ARRAY SCRIPT MODE [sbatch args...] -> sets $last to the job id
submit() {
  local stage="$1" dep="$2" array="$3" script="$4" mode="$5"
  shift 5
  local args=(--parsable --job-name "$stage" --cpus-per-task "$cpus" --chdir "$repo" --export=ALL
              --kill-on-invalid-dep=yes)
  if [ -n "$array" ]; then args+=(--array "$array" --output "$logs/%x-%A_%a.out")
  else args+=(--output "$logs/%x-%j.out"); fi
  [ -n "$dep" ] && args+=(--dependency "$dep")
  args+=("${common[@]}" "$@" "$script" "$mode")
  if [ "$dry" = 1 ]; then
    echo "sbatch ${args[*]}" >&2
    last="DRY_${stage}"
  else
    last="$(sbatch "${args[@]}")" || die "sbatch failed for $stage"
    last="${last%%;*}"  # --parsable prints id[;cluster]
    echo "$stage $last" >>"$jobs_file"
  fi
  echo "$stage $last"
}

arr="0-$((shards - 1))"
submit nnr-transform "" "$arr" "$here/transform.sbatch" shard
submit nnr-transform-merge "afterok:$last" "" "$here/transform.sbatch" merge
transform_done="$last"

merges=()
IFS=, read -r -a encoder_list <<<"$encoders"
[ "${#encoder_list[@]}" -gt 0 ] || die "--encoders is empty"
for enc in "${encoder_list[@]}"; do
  [ -n "$enc" ] || continue
  tag="$(basename -- "${enc#torchscript:}" | tr -c 'A-Za-z0-9_.\n-' '_')"
  export NNR_ENCODER="$enc"
  submit "nnr-encode-$tag" "afterok:$transform_done" "$arr" "$here/encode.sbatch" shard "${encode_extra[@]}"
  submit "nnr-encode-$tag-merge" "afterok:$last" "" "$here/encode.sbatch" merge "${encode_extra[@]}"
  merges+=("$last")
done
unset NNR_ENCODER

dep="afterok$(printf ':%s' "${merges[@]}")"
if [ "$row_shards" -gt 1 ]; then
  submit nnr-evaluate-rows "$dep" "0-$((row_shards - 1))" "$here/evaluate.sbatch" rows
  dep="afterok:$last"
fi
submit nnr-evaluate "$dep" "$arr" "$here/evaluate.sbatch" shard
submit nnr-evaluate-merge "afterok:$last" "" "$here/evaluate.sbatch" merge
if [ "$plots" = 1 ]; then
  args=(--parsable --job-name nnr-plots --cpus-per-task 1 --chdir "$repo" --export=ALL --kill-on-invalid-dep=yes
        --output "$logs/%x-%j.out" --dependency "afterok:$last" "${common[@]}"
        --wrap "/usr/bin/python3 '$repo/scripts/plot_results.py' '$run'")
  if [ "$dry" = 1 ]; then echo "sbatch ${args[*]}" >&2; last=DRY_nnr-plots
  else last="$(sbatch "${args[@]}")"; last="${last%%;*}"; echo "nnr-plots $last" >>"$jobs_file"; fi
  echo "nnr-plots $last"
fi
final="$last"
echo "$final"
[ "$wait" = 1 ] && [ "$dry" = 0 ] || exit 0

# --wait: poll the final job (scontrol works without accounting while the record is kept, MinJobAge).
while :; do
  info="$(scontrol show job -o "$final" 2>/dev/null || true)"
  state="$(grep -o 'JobState=[A-Z_]*' <<<"$info" | head -n1 | cut -d= -f2 || true)"
  reason="$(grep -o 'Reason=[A-Za-z_]*' <<<"$info" | head -n1 | cut -d= -f2 || true)"
  case "$state" in
    COMPLETED) echo "submit_pipeline: pipeline completed (final job $final)" >&2; exit 0 ;;
    PENDING)
      if [ "$reason" = DependencyNeverSatisfied ]; then
        echo "submit_pipeline: an earlier job failed; job $final can never start (logs: $logs)" >&2
        exit 1
      fi ;;
    RUNNING|CONFIGURING|COMPLETING|SUSPENDED|REQUEUED|RESIZING) ;;
    "") die "job $final is unknown to slurmctld (record expired?); see $logs and $jobs_file" ;;
    *) echo "submit_pipeline: pipeline failed: job $final is $state${reason:+ ($reason)} (logs: $logs)" >&2
       exit 1 ;;
  esac
  sleep "${NNR_SLURM_POLL_S:-2}"
done
