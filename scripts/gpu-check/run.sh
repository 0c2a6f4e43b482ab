#!/usr/bin/env bash
# Einthoven GPU check: run on a GPU machine with no network and no Node (see README.md here).
# Reports the WebGPU adapter, checks every architecture's gradients on webgpu against cpu, and
# times ResNet18-1D / CRNN-GRU / xresnet1d50 training steps on webgpu and in the machine's own
# PyTorch in the same run. Everything it needs is in this folder; results go to $OUT (when set,
# as on the device machine) or ./results. Whole run budgeted to GPU_CHECK_BUDGET_S (default 420 s).
#
# Knobs (defaults are the GPU machine's): GPU_CHECK_TORCH_DEVICE=cuda|cpu, GPU_CHECK_MODELS,
# GPU_CHECK_BATCHES=32,64, GPU_CHECK_LENGTHS=2048,5000, GPU_CHECK_REPEATS=3,
# GPU_CHECK_PARITY_MODELS (default: all ten), PYTHON=python3.
set -uo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
start=$(date +%s)
budget=${GPU_CHECK_BUDGET_S:-420}
results="${OUT:-$here/results}"
mkdir -p "$results"
work="$(mktemp -d)"
log() { echo "[gpu-check $(( $(date +%s) - start ))s] $*" | tee -a "$results/run.log" >&2; }
deadline_ms() { echo $(( (start + $1) * 1000 )); }   # epoch ms, $1 seconds after the start

# --- Node (a single binary) and Dawn's dawn.node travel xz-compressed.
xz -dc "$here/node.xz" > "$work/node" && chmod +x "$work/node"
cp -r "$here/app" "$work/app"
xz -d "$work/app/node_modules/webgpu/dist/linux-x64/dawn.node.xz"
log "node $("$work/node" --version)"

# --- Vulkan/EGL loaders (Debian 12 .debs): unpacked here, used only when the system lacks them.
mkdir -p "$work/sysroot"
for deb in "$here"/debs/*.deb; do dpkg -x "$deb" "$work/sysroot" 2>/dev/null || log "could not unpack $(basename "$deb")"; done
libdirs=()
ldconfig -p 2>/dev/null | grep -q 'libvulkan.so.1 ' || libdirs+=("$work/sysroot/usr/lib/x86_64-linux-gnu")
for d in /usr/local/nvidia/lib64 /usr/local/nvidia/lib /usr/lib/x86_64-linux-gnu/nvidia; do [ -d "$d" ] && libdirs+=("$d"); done
if [ ${#libdirs[@]} -gt 0 ]; then export LD_LIBRARY_PATH="$(IFS=:; echo "${libdirs[*]}")${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"; fi
if [ -z "${VK_DRIVER_FILES:-}" ] && [ -z "${VK_ICD_FILENAMES:-}" ]; then
  for icd in /usr/share/vulkan/icd.d/nvidia_icd.json /etc/vulkan/icd.d/nvidia_icd.json /usr/local/nvidia/share/vulkan/icd.d/nvidia_icd.json; do
    if [ -f "$icd" ]; then export VK_DRIVER_FILES="$icd"; break; fi
  done
fi
log "LD_LIBRARY_PATH=${LD_LIBRARY_PATH:-} VK_DRIVER_FILES=${VK_DRIVER_FILES:-(loader default)}"
export EGL_PLATFORM="${EGL_PLATFORM:-surfaceless}" XDG_RUNTIME_DIR="${XDG_RUNTIME_DIR:-$work}"
command -v nvidia-smi >/dev/null && nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv,noheader | tee "$results/nvidia-smi.txt" >&2

node() { "$work/node" --max-old-space-size=8192 "$work/app/check.mjs" "$@"; }

# 1. The adapter.
log "adapter"
if ! node adapter > "$results/adapter.json" 2>> "$results/run.log"; then
  log "no WebGPU adapter could start: see run.log; stopping"
  exit 1
fi

# 2. Parity: every architecture's gradients against cpu (the cpu side is plain JavaScript: slow).
log "parity"
node parity --deadline "$(deadline_ms $(( budget * 40 / 100 )))" ${GPU_CHECK_PARITY_MODELS:+--models "$GPU_CHECK_PARITY_MODELS"} > "$results/parity.json" 2>> "$results/run.log" || log "parity failed (run.log)"

# 3. Training steps on webgpu, then the same in PyTorch.
grid=(--models "${GPU_CHECK_MODELS:-resnet18,crnn-gru,xresnet1d50}" --batches "${GPU_CHECK_BATCHES:-32,64}" --lengths "${GPU_CHECK_LENGTHS:-2048,5000}")
log "webgpu training steps"
node time "${grid[@]}" --repeats "${GPU_CHECK_REPEATS:-3}" --deadline "$(deadline_ms $(( budget * 75 / 100 )))" > "$results/webgpu.json" 2>> "$results/run.log" || log "webgpu timing failed (run.log)"
log "PyTorch training steps (${GPU_CHECK_TORCH_DEVICE:-cuda})"
(cd "$here" && "${PYTHON:-python3}" torch_grid.py "${grid[@]}" --repeats "${GPU_CHECK_REPEATS:-3}" --device "${GPU_CHECK_TORCH_DEVICE:-cuda}" --deadline $(( start + budget * 95 / 100 ))) > "$results/torch.json" 2>> "$results/run.log" || log "PyTorch timing failed (run.log)"

# 4. Side by side.
node summary "$results/webgpu.json" "$results/torch.json" > "$results/summary.json" 2>> "$results/run.log"
tail -n 20 "$results/run.log" >&2
log "done in $(( $(date +%s) - start )) s; results in $results"
rm -rf "$work"
