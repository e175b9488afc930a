#!/usr/bin/env bash
# One prepared training run for the GPU machine of the device tool (see docs/models/anime-seg.md,
# "A run on a GPU"): trains for MINUTES of wall-clock time, exports best.pt and last.pt to ONNX, and
# leaves the weights (.npz), the ONNX files and the log in $OUT, which the tool brings back. Run from
# the repository root, with the packed data (training/pack_data.py) carried as training/data-pack.
# Every setting is an environment variable, so the device command stays one line:
#   RECIPE=v8 EXTRA=192 LR=3e-4 MINUTES=7 bash training/gpu_run.sh   (the first run's settings, in the card)
# Here (no GPU) the same script checks itself: DEVICE=cpu WORKERS=1 BATCH=4 MINUTES=0.3 OUT=/tmp/o bash training/gpu_run.sh
set -euo pipefail
export PYTHONUNBUFFERED=1

# The Python that imports torch: Debian's (/usr/bin/python3 here; another python3 first on PATH may lack torch).
if [ -z "${PY:-}" ]; then
  PY=python3
  for candidate in python3 /usr/bin/python3; do
    if "$candidate" -c 'import torch' 2>/dev/null; then PY=$candidate; break; fi
  done
fi
OUT=${OUT:?OUT must name the folder for the results}
DATA=${DATA:-training/data-pack}
INIT=${INIT:-resources/models/anime-seg.onnx}
DEVICE=${DEVICE:-cuda}
RECIPE=${RECIPE:-v6}
EXTRA=${EXTRA:-0}
LR=${LR:-3e-4}
WARMUP=${WARMUP:-200}
BATCH=${BATCH:-32}
SIZE=${SIZE:-256}
SIZES=${SIZES:-$SIZE}
SEED=${SEED:-2031}
MINUTES=${MINUTES:-7}
WORKERS=${WORKERS:-$(( $(nproc) > 2 ? $(nproc) - 2 : 1 ))}
VAL_EVERY=${VAL_EVERY:-500}
VAL_N=${VAL_N:-192}
# One run folder per set of settings: a second call on a machine still warm with other settings
# resumed the first call's run folder and brought its weights back; with the same settings it goes
# on with the run (train.py refuses a run folder of other settings).
RUN=${RUN:-/tmp/anime-seg-run-$(printf '%s ' "$DATA" "$INIT" "$RECIPE" "$EXTRA" "$LR" "$WARMUP" "$BATCH" "$SIZE" "$SIZES" "$SEED" "$VAL_N" | md5sum | cut -c1-8)}

[ -f "$DATA/manifest.csv" ] || { echo "gpu_run: no packed data in $DATA (run training/pack_data.py here and carry it)" >&2; exit 2; }
mkdir -p "$OUT"
{ command -v nvidia-smi >/dev/null && nvidia-smi -L; "$PY" -c 'import torch; print("torch", torch.__version__, "cuda", torch.cuda.is_available())'; nproc; } 2>&1 | tee "$OUT/machine.txt"

"$PY" training/train.py --run "$RUN" --data-dir "$DATA" --init-from "$INIT" --extra "$EXTRA" --recipe "$RECIPE" \
  --lr "$LR" --warmup "$WARMUP" --batch "$BATCH" --size "$SIZE" --sizes "$SIZES" --seed "$SEED" --steps 1000000 \
  --minutes "$MINUTES" --val-every "$VAL_EVERY" --val-n "$VAL_N" --device "$DEVICE" --workers "$WORKERS" --threads 2 \
  | tee "$OUT/train.log" | grep -E '"event": "(start|val|stop)"' | cut -c1-300

# The weights come back as .npz (any torch reads them: `export.py --ckpt best.npz` here), and as ONNX
# when that machine's exporter works; at most 8 files come back, so the .pt files stay there.
# A run whose minutes were spent before its first step (data loading took them) has no checkpoint:
# said, exit 1 (it said the ONNX export had failed and to export a .npz that was not written, exit 0).
if [ ! -f "$RUN/last.pt" ]; then
  echo "gpu_run: the run stopped before its first checkpoint (no $RUN/last.pt; see train.log): give it more MINUTES" | tee -a "$OUT/export.txt" >&2
  ls -l "$OUT"
  exit 1
fi
for ck in best last; do
  [ -f "$RUN/$ck.pt" ] || { echo "gpu_run: no $ck.pt in $RUN" | tee -a "$OUT/export.txt"; continue; }
  "$PY" training/export.py --ckpt "$RUN/$ck.pt" --npz "$OUT/$ck.npz" --out "$OUT/anime-seg-$ck.onnx" >> "$OUT/export.txt" 2>&1 \
    || if [ -f "$OUT/$ck.npz" ]; then echo "gpu_run: the ONNX export of $ck failed there (see export.txt); export $ck.npz here" | tee -a "$OUT/export.txt";
       else echo "gpu_run: $ck.pt could not be read or written as $ck.npz (see export.txt)" | tee -a "$OUT/export.txt"; fi
done
ls -l "$OUT"
