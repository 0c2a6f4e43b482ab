#!/usr/bin/env bash
# Einthoven GPU check: run on a GPU machine with no network and no Node (see README.md here).
# Reports the WebGPU adapter, checks every architecture's gradients on webgpu against cpu, and
# times ResNet18-1D / CRNN-GRU / xresnet1d50 training steps on webgpu and in the machine's own
# PyTorch in the same run. Everything it needs is in this folder; results go to $OUT (when set,
# as on the device machine) or ./results. Whole run budgeted to GPU_CHECK_BUDGET_S (default 420 s).
#
# Knobs (defaults are the GPU machine's): GPU_CHECK_TORCH_DEVICE=cuda|cpu, GPU_CHECK_MODELS,
# GPU_CHECK_BATCHES=32,64, GPU_CHECK_LENGTHS=2048,5000, GPU_CHECK_REPEATS=3,
# GPU_CHECK_PROFILE_BATCH=32, GPU_CHECK_PROFILE_LENGTH=5000 (the ResNet18 step profiled),
# GPU_CHECK_VARIANTS (tfjs flag sets tried on that step, ';'-separated; empty for none),
# GPU_CHECK_CPU_PROFILE=1|0 (V8 profile of that step), GPU_CHECK_CPU_MODELS (the CPU engine's
# models at b32 × 12 × 2048; empty to skip), GPU_CHECK_PARITY_MODELS (default: all ten,
# cheapest first), PYTHON=python3.
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
ort="$work/app/node_modules/onnxruntime-node/bin/napi-v6/linux/x64/libonnxruntime.so.1.xz"
[ -f "$ort" ] && xz -d "$ort"
log "node $("$work/node" --version)"

# --- Vulkan/EGL loaders (Debian 12 .debs): unpacked here and searched after the driver's folders.
mkdir -p "$work/sysroot"
for deb in "$here"/debs/*.deb; do dpkg -x "$deb" "$work/sysroot" 2>/dev/null || log "could not unpack $(basename "$deb")"; done
# The driver's own folders first; the loaders last (libGLX_nvidia, which the NVIDIA Vulkan ICD
# names, needs libGLdispatch from libglvnd0 even where the system has a Vulkan loader).
libdirs=()
for d in /usr/local/nvidia/lib64 /usr/local/nvidia/lib /usr/lib/x86_64-linux-gnu/nvidia; do [ -d "$d" ] && libdirs+=("$d"); done
libdirs+=("$work/sysroot/usr/lib/x86_64-linux-gnu")
log "system: $(ldconfig -p 2>/dev/null | grep -oE 'lib(vulkan|GLX_nvidia|GLdispatch|EGL_nvidia)\.so[.0-9]*' | sort -u | tr '\n' ' ')"
log "Vulkan ICDs: $(ls /usr/share/vulkan/icd.d /etc/vulkan/icd.d /usr/local/nvidia/share/vulkan/icd.d 2>/dev/null | tr '\n' ' ')"
if [ ${#libdirs[@]} -gt 0 ]; then export LD_LIBRARY_PATH="$(IFS=:; echo "${libdirs[*]}")${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"; fi
if [ -z "${VK_DRIVER_FILES:-}" ] && [ -z "${VK_ICD_FILENAMES:-}" ]; then
  for icd in /usr/share/vulkan/icd.d/nvidia_icd.json /etc/vulkan/icd.d/nvidia_icd.json /usr/local/nvidia/share/vulkan/icd.d/nvidia_icd.json; do
    if [ -f "$icd" ]; then export VK_DRIVER_FILES="$icd"; break; fi
  done
fi
log "LD_LIBRARY_PATH=${LD_LIBRARY_PATH:-} VK_DRIVER_FILES=${VK_DRIVER_FILES:-(loader default)}"
export EGL_PLATFORM="${EGL_PLATFORM:-surfaceless}" XDG_RUNTIME_DIR="${XDG_RUNTIME_DIR:-$work}"
command -v nvidia-smi >/dev/null && log "nvidia-smi: $(nvidia-smi --query-gpu=name,driver_version,memory.total,clocks.sm,clocks.max.sm --format=csv,noheader)"

node() { "$work/node" --max-old-space-size=8192 "$work/app/check.mjs" "$@"; }

# 1. The adapter.
log "adapter"
if ! node adapter > "$results/adapter.json" 2>> "$results/run.log"; then
  log "no WebGPU adapter could start: see run.log; stopping"
  exit 1
fi

# 2. Training steps on webgpu (the grid), where one step's time goes, tfjs flag variants, then the
#    same grid in PyTorch. Speed first: it is what only a GPU machine can tell.
grid=(--models "${GPU_CHECK_MODELS:-resnet18,crnn-gru,xresnet1d50}" --batches "${GPU_CHECK_BATCHES:-32,64}" --lengths "${GPU_CHECK_LENGTHS:-2048,5000}")
one=(--models resnet18 --batches "${GPU_CHECK_PROFILE_BATCH:-32}" --lengths "${GPU_CHECK_PROFILE_LENGTH:-5000}")
log "webgpu training steps"
node time "${grid[@]}" --repeats "${GPU_CHECK_REPEATS:-3}" --deadline "$(deadline_ms $(( budget * 35 / 100 )))" > "$results/webgpu.json" 2>> "$results/run.log" || log "webgpu timing failed (run.log)"
log "profile of one step"
node profile "${one[@]}" --deadline "$(deadline_ms $(( budget * 45 / 100 )))" > "$results/profile.json" 2>> "$results/run.log" || log "profile failed (run.log)"
IFS=';' read -ra variants <<< "${GPU_CHECK_VARIANTS-WEBGPU_DEFERRED_SUBMIT_BATCH_SIZE=100;WEBGPU_CPU_FORWARD=false}"
[ ${#variants[@]} -gt 0 ] && log "tfjs flag variants"
for flags in "${variants[@]}"; do
  node time "${one[@]}" --repeats "${GPU_CHECK_REPEATS:-3}" --flags "$flags" --deadline "$(deadline_ms $(( budget * 52 / 100 )))" > /dev/null 2>> "$results/run.log" || log "variant $flags failed (run.log)"
done
if [ "${GPU_CHECK_CPU_PROFILE:-1}" = 1 ]; then
  # The CPU side of the same step (V8 profile of 5 steps, summarised by cpu_profile.py).
  log "CPU profile of the step"
  "$work/node" --max-old-space-size=8192 --cpu-prof --cpu-prof-dir="$work/cpuprof" "$work/app/check.mjs" time "${one[@]}" --repeats 5 > /dev/null 2>> "$results/run.log" \
    && "${PYTHON:-python3}" "$here/cpu_profile.py" "$work/cpuprof" > "$results/cpu-profile.json" 2>> "$results/run.log" || log "CPU profile failed (run.log)"
fi
if [ -n "${GPU_CHECK_CPU_MODELS-resnet18,xresnet1d50}" ]; then
  # The CPU engine on the same host (wasm + onnxruntime kernels, one thread): evidence for which
  # backend a machine like this should train on.
  log "CPU engine (wasm, 1 thread) training steps"
  node time --backend wasm --models "${GPU_CHECK_CPU_MODELS-resnet18,xresnet1d50}" --batches 32 --lengths 2048 --repeats "${GPU_CHECK_REPEATS:-3}" --deadline "$(deadline_ms $(( budget * 58 / 100 )))" > "$work/wasm.json" 2>> "$results/run.log" || log "CPU engine timing failed (run.log)"
fi
log "PyTorch training steps (${GPU_CHECK_TORCH_DEVICE:-cuda})"
(cd "$here" && "${PYTHON:-python3}" torch_grid.py "${grid[@]}" --repeats "${GPU_CHECK_REPEATS:-3}" --device "${GPU_CHECK_TORCH_DEVICE:-cuda}" --deadline $(( start + budget * 65 / 100 ))) > "$results/torch.json" 2>> "$results/run.log" || log "PyTorch timing failed (run.log)"

# 3. Parity: every architecture's gradients against cpu (the cpu side is plain JavaScript: slow,
#    so the cheapest architectures go first and the rest are skipped once the budget is spent).
log "parity"
node parity --deadline "$(deadline_ms $(( budget * 90 / 100 )))" --models "${GPU_CHECK_PARITY_MODELS:-resnet18,crnn-gru,crnn-lstm,attresnet,restransformer,transformer,alexnet,xresnet1d50,xresnet1d101,vgg11bn}" > "$results/parity.json" 2>> "$results/run.log" || log "parity failed (run.log)"

# 4. Side by side.
node summary "$results/webgpu.json" "$results/torch.json" "$work/wasm.json" > "$results/summary.json" 2>> "$results/run.log"
tail -n 20 "$results/run.log" >&2
log "done in $(( $(date +%s) - start )) s; results in $results"
rm -rf "$work"
