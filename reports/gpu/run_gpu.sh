#!/usr/bin/env bash
# The splines family on one GPU, offline, against an installed CUDA JAX (pip install '.[cuda,test]'):
#   1. the thorough splines family, 2. the xl rate sweeps (widths to 10^6 in 1-D, 10^5 in 2-D), 3. the benchmarks.
# Each stage runs within its own time budget (seconds: GPU_T_THOROUGH, GPU_T_XL, GPU_T_BENCH; 300 + 210 + 60 by
# default, under 10 minutes in all).  verify keeps every finished claim in OUT/<stage>/.partial/ as it finishes, so
# a stage cut short by its budget (SIGTERM) or by hand keeps what it did; running the script again resumes it
# (verify --resume) and skips the stages already complete.  At the end a table gives each claim's wall time.
#
#   reports/gpu/run_gpu.sh                 # on the GPU machine; OUT defaults to reports/gpu/latest
#   GPU_RUN_TINY=1 reports/gpu/run_gpu.sh  # a tiny selection (ci sizes, one example), on any backend: the script's check
#
# Environment: PYTHON (default python), OUT, SEED (default 0), GPU_JOBS (worker processes sharing the GPU,
# default 4), GPU_T_THOROUGH, GPU_T_XL, GPU_T_BENCH.  Exit status: 0 when every stage completed, 1 when a stage
# was cut short or a claim raised (its results are kept), 2 on bad set-up (no GPU outside tiny mode).
set -u
cd "$(dirname "$0")/../.."

PY=${PYTHON:-python}
OUT=${OUT:-reports/gpu/latest}
SEED=${SEED:-0}
JOBS=${GPU_JOBS:-4}
TINY=${GPU_RUN_TINY:-0}
T_THOROUGH=${GPU_T_THOROUGH:-300}
T_XL=${GPU_T_XL:-210}
T_BENCH=${GPU_T_BENCH:-60}

export OPENBLAS_NUM_THREADS=1 OMP_NUM_THREADS=1 MKL_NUM_THREADS=1
# Several worker processes share the GPU: each allocates what it needs rather than 75% of the memory up front.
export XLA_PYTHON_CLIENT_PREALLOCATE=false
export PYTHONPATH="$PWD${PYTHONPATH:+:$PYTHONPATH}"

backend=$("$PY" -c "import jax; print(jax.default_backend(), jax.devices()[0].device_kind, jax.local_device_count(), sep='|')" 2>/dev/null) || {
    echo "error: $PY cannot import jax" >&2; exit 2; }
IFS='|' read -r kind model count <<< "$backend"
if [ "$TINY" = "0" ] && [ "$kind" != "gpu" ]; then
    echo "error: JAX's backend is $kind, not gpu (install '.[cuda,test]'; GPU_RUN_TINY=1 runs the tiny selection anywhere)" >&2
    exit 2
fi
mkdir -p "$OUT" || { echo "error: cannot create $OUT" >&2; exit 2; }
echo "backend $kind ($model, $count device(s)), output in $OUT" >&2

if [ "$TINY" = "0" ]; then
    THOROUGH=(splines --profile thorough --seed "$SEED")
    XL=(--profile xl --seed "$SEED")
    BENCH=(tests/benchmarks -k "not per_configuration_loop" --benchmark-only)
else
    THOROUGH=(splines.natural_spline splines.other_activation --profile ci --examples 1)
    XL=(splines.spline_rate --profile ci --examples 1)
    BENCH=(tests/benchmarks/test_bench_shrinkage.py -k batched_jax --benchmark-only)
fi

status=0
stage() {  # stage NAME BUDGET ARGS...: verify ARGS into OUT/NAME within BUDGET seconds, resuming a cut-short run
    local name=$1 budget=$2; shift 2
    local dir="$OUT/$name" resume=()
    if [ -f "$dir/results.json" ] && [ ! -d "$dir/.partial" ]; then
        echo "== $name: complete before, kept ($dir/results.json)" >&2; return
    fi
    [ -f "$dir/.partial/run.json" ] && resume=(--resume)
    echo "== $name: verify $* ${resume[*]} (budget ${budget}s)" >&2
    local t0=$SECONDS
    timeout -s TERM -k 30 "$budget" "$PY" -m theorems verify "$@" "${resume[@]}" --out "$dir" --jobs "$JOBS" --no-report
    local rc=$?
    echo "== $name: exit $rc after $((SECONDS - t0))s" >&2
    [ "$rc" = 0 ] || status=1
}

stage thorough "$T_THOROUGH" "${THOROUGH[@]}"
stage xl "$T_XL" "${XL[@]}"

echo "== bench (budget ${T_BENCH}s)" >&2
t0=$SECONDS
timeout -s TERM -k 10 "$T_BENCH" "$PY" -m pytest -q -p no:cacheprovider "${BENCH[@]}" \
    --benchmark-group-by=group --benchmark-columns=min,median,mean,rounds --benchmark-json="$OUT/bench.json"
rc=$?
echo "== bench: exit $rc after $((SECONDS - t0))s" >&2
[ "$rc" = 0 ] || status=1

# each claim's verdict and wall time, from results.json or, for a stage cut short, the claims it kept
"$PY" - "$OUT" <<'PY'
import json, sys
from pathlib import Path

out = Path(sys.argv[1])
print(f"{'stage':9} {'claim':32} {'verdict':10} {'wall_s':>8}")
for stage in ("thorough", "xl"):
    done = out / stage / "results.json"
    if done.is_file() and not (out / stage / ".partial").is_dir():
        data = json.loads(done.read_text())
        claims, env = data["claims"], data["environment"]
        note = f"complete, {env['wall_s']:.0f}s on {env['backend']} ({env.get('device_kind')})"
    else:
        claims = [json.loads(p.read_text()) for p in sorted((out / stage / ".partial").glob("*.json"))
                  if p.name != "run.json"]
        note = "cut short: the claims it finished"
    for c in claims:
        print(f"{stage:9} {c['id']:32} {c['verdict']:10} {c['wall_s']:8.1f}")
    print(f"{stage:9} ({note})")
PY
exit $status
