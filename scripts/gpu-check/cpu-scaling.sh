#!/usr/bin/env bash
# The CPU engine's data-parallel training on a many-core machine (no GPU used): the training step
# of scripts/bench/parallel-step.ts (real PTB-XL fixture records through each architecture's
# pipeline, focal loss, AdamW) with 1 … N worker threads, and the PyTorch twin on the CPU with as
# many threads, in the same run. Our development machines have 2 cores; a clinic workstation or
# the GPU machine's host has 8–16, where "training uses every core" has to be shown, not assumed.
#
# Run from the repository root (the committed records are read from core/test/fixtures):
#   bash .tmp/gpu-check/cpu-scaling.sh       results in $OUT if set, else ./results:
#                                            cpu-scaling.json (one row per model and thread count), cpu-scaling.log
# Knobs: CPU_SCALING_MODELS (resnet18,xresnet1d50), CPU_SCALING_WORKERS (1,2,4,8,15),
# CPU_SCALING_BATCH (64), CPU_SCALING_REPEATS (3), CPU_SCALING_BUDGET_S (300), PYTHON (python3).
set -uo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
start=$(date +%s)
budget=${CPU_SCALING_BUDGET_S:-300}
results="${OUT:-$here/results}"
mkdir -p "$results"
work="$(mktemp -d)"
log() { echo "[cpu-scaling $(( $(date +%s) - start ))s] $*" | tee -a "$results/cpu-scaling.log" >&2; }

xz -dc "$here/node.xz" > "$work/node" && chmod +x "$work/node"
cp -r "$here/app" "$work/app"
ort="$work/app/node_modules/onnxruntime-node/bin/napi-v6/linux/x64/libonnxruntime.so.1.xz"
[ -f "$ort" ] && xz -d "$ort"
fixtures="${CPU_SCALING_FIXTURES:-$PWD/core/test/fixtures/train/ptbxl}"
[ -f "$fixtures/ptbxl_database.csv" ] || { log "no fixture records at $fixtures (run from the repository root)"; exit 1; }
batch=${CPU_SCALING_BATCH:-64}
repeats=${CPU_SCALING_REPEATS:-3}
log "node $("$work/node" --version); $(nproc) cores; $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'); load $(cut -d' ' -f1-3 /proc/loadavg)"

rows="$work/rows.jsonl"
: > "$rows"
IFS=',' read -ra models <<< "${CPU_SCALING_MODELS:-resnet18,xresnet1d50}"
IFS=',' read -ra counts <<< "${CPU_SCALING_WORKERS:-1,2,4,8,15}"
for model in "${models[@]}"; do
  for n in "${counts[@]}"; do
    if [ $(( $(date +%s) - start )) -ge "$budget" ]; then log "skipped $model × $n: time budget spent"; continue; fi
    ours=$("$work/node" --max-old-space-size=8192 "$work/app/parallel-step.mjs" --model="$model" --workers="$n" --batch="$batch" --repeats="$repeats" --fixtures="$fixtures" 2>> "$results/cpu-scaling.log" | tail -n 1)
    twin=$(cd "$here" && "${PYTHON:-python3}" torch_models.py --models "$model" --batch "$batch" --repeats 7 --threads "$n" 2>> "$results/cpu-scaling.log" | tail -n 1)
    log "$model b$batch, $n: ours ${ours:-failed}; torch ${twin:-failed}"
    echo "{\"model\": \"$model\", \"threads\": $n, \"ours\": ${ours:-null}, \"torch\": ${twin:-null}}" >> "$rows"
  done
done

# Speedup and efficiency against the same model's 1-thread step; ratio to PyTorch at the same thread count.
"${PYTHON:-python3}" - "$rows" "$batch" > "$results/cpu-scaling.json" 2>> "$results/cpu-scaling.log" <<'PY'
import json, os, sys
rows = [json.loads(line) for line in open(sys.argv[1]) if line.strip()]
out = []
for r in rows:
    ours, torch = r['ours'], r['torch']
    one = next((x['ours'] for x in rows if x['model'] == r['model'] and x['threads'] == 1 and x['ours']), None)
    twin = torch['models'][r['model']] if torch else None
    step = ours['trainStepMs'] if ours else None
    speedup = one['trainStepMs'] / step if one and step else None
    out.append({'model': r['model'], 'threads': r['threads'], 'batch': int(sys.argv[2]),
                'stepMs': step, 'forwardMs': ours['forwardMs'] if ours else None, 'rssMb': ours['rssMb'] if ours else None,
                'speedup': round(speedup, 2) if speedup else None, 'efficiency': round(speedup / r['threads'], 2) if speedup else None,
                'torchStepMs': twin['trainStepMs'] if twin else None, 'torchForwardMs': twin['forwardMs'] if twin else None,
                'stepOverTorch': round(step / twin['trainStepMs'], 2) if step and twin else None})
    print(f"{r['model']:12s} {r['threads']:2d} threads: ours {step or 0:8.1f} ms (speedup {out[-1]['speedup']}, efficiency {out[-1]['efficiency']}), torch {out[-1]['torchStepMs'] or 0:7.1f} ms, ratio {out[-1]['stepOverTorch']}", file=sys.stderr)
print(json.dumps({'cores': os.cpu_count(), 'rows': out}))
PY
tail -n 12 "$results/cpu-scaling.log" >&2
log "done in $(( $(date +%s) - start )) s; results in $results"
rm -rf "$work"
