#!/bin/sh
# The distributed trainer's GPU check (issue: beyond one workstation). Self-contained: needs only
# this repository's distributed/ folder and the machine's own PyTorch (`python3`, CUDA) — no
# network, no Node. Writes synthetic full-size shards (RECORDS records, 12 × 5000 at 500 Hz, as
# PTB-XL's 21,837), trains ARCH for one epoch with DDP on every GPU (NCCL), and prints one JSON
# summary: seconds for the epoch (training + validation), samples per second, the GPUs, torch.
# Usage: distributed/gpu-epoch/run.sh [OUT_DIR]   (env: RECORDS, ARCH, BATCH, WORKERS, PYTHON)
set -eu
here=$(cd "$(dirname "$0")/.." && pwd)
out=${1:-${OUT:-/tmp/einthoven-gpu-epoch}}
python=${PYTHON:-python3}
records=${RECORDS:-21837}
arch=${ARCH:-resnet18}
mkdir -p "$out"
cd "$here"
started=$(date +%s)
"$python" -m einthoven_ddp synthetic --out "$out/shards" --records "$records" >&2
gpus=$("$python" -c 'import torch; print(max(1, torch.cuda.device_count()))')
# --redirects/--tee 1: rank output through files and the console (also works round torch 1.13's
# Python 3.11 flag bug); lines then carry a "[defaultN]:" prefix.
"$python" -m torch.distributed.run --standalone --redirects 1 --tee 1 --nproc_per_node "$gpus" -m einthoven_ddp train \
  --shards "$out/shards" --arch "$arch" --out "$out/run" --epochs 1 --patience 0 \
  --batch-size "${BATCH:-64}" --loader-workers "${WORKERS:-8}" > "$out/log.jsonl"
"$python" - "$out" "$started" <<'PY'
import json, sys, time, torch
out, started = sys.argv[1], int(sys.argv[2])
lines = [line.split(':', 1)[1] if line.startswith('[') else line for line in open(f'{out}/log.jsonl')]
events = [json.loads(line) for line in lines if line.startswith('{')]
epoch = next(e for e in events if e.get('event') == 'epoch')
summary = {'arch': json.load(open(f'{out}/run/einthoven.json'))['architecture']['name'],
           'records': json.load(open(f'{out}/shards/index.json'))['dataset']['records'],
           'epochSeconds': epoch['seconds'], 'samplesPerSecond': epoch['samplesPerSecond'],
           'backend': json.load(open(f'{out}/run/einthoven.json'))['training']['backend'],
           'gpus': [torch.cuda.get_device_name(i) for i in range(torch.cuda.device_count())],
           'torch': torch.__version__, 'wallSeconds': int(time.time()) - started}
json.dump(summary, open(f'{out}/summary.json', 'w'), indent=2)
print(json.dumps(summary))
PY
