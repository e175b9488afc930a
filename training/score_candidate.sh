#!/usr/bin/env bash
# Scores anime-seg weights through the app's own pipeline (`cutout eval`, default `full` refinement,
# the shipped manifest settings: 320 + 256 px, flip, temperature), as every stage in
# docs/models/anime-seg.md was scored: pooled fg IoU on the six held-out composite sets (v1 and v3
# without occluders, v5, v6, v7, v8; made from the validation sources by make_heldout_set.py if they
# are not there yet) and `anime_cutout`.
#   bash training/score_candidate.sh WEIGHTS NAME     WEIGHTS: .onnx, .pt or .npz; NAME: a model id
#   bash training/score_candidate.sh shipped shipped  the bundled model, the baseline
# Results: $SCORES/NAME/*.txt (the full reports) and one summary line per set on stdout.
set -euo pipefail
WEIGHTS=${1:?usage: score_candidate.sh WEIGHTS NAME}
[ "$WEIGHTS" = shipped ] || WEIGHTS=$(realpath "$WEIGHTS") # before the cd below
cd "$(dirname "$0")/.."
NAME=${2:?usage: score_candidate.sh WEIGHTS NAME}
PY=${PY:-/usr/bin/python3}
CAND=${CAND:-/tmp/cutout-candidates}
SETS=${SETS:-/tmp/cutout-heldout}
SCORES=${SCORES:-/tmp/cutout-scores}
SHARED=${CUTOUT_SHARED_DIR:-../shared}
mkdir -p "$CAND" "$SETS" "$SCORES/$NAME"

model=()
if [ "$WEIGHTS" != shipped ]; then
  [[ "$NAME" =~ ^[a-z0-9][a-z0-9-]*$ ]] || { echo "NAME must be a lower-case model id" >&2; exit 2; }
  case "$WEIGHTS" in
    *.onnx) cp "$WEIGHTS" "$CAND/$NAME.onnx" ;;
    # The exporter's words kept, and said when it fails (it stopped the script without a word).
    *) "$PY" training/export.py --ckpt "$WEIGHTS" --out "$CAND/$NAME.onnx" > "$SCORES/$NAME/export.txt" 2>&1 \
         || { echo "score_candidate: $WEIGHTS could not be exported:" >&2; tail -n 5 "$SCORES/$NAME/export.txt" >&2; exit 1; } ;;
  esac
  # A descriptor beside it: anime-seg's manifest entry under the new id (the same pre- and post-processing).
  node -e '
    const [id, dir] = process.argv.slice(1);
    const m = require("./resources/models/manifest.json").models.find((e) => e.id === "anime-seg");
    const d = { ...m, id, file: id + ".onnx", sha256: null, bytes: null, default: false, bundled: false, flops: null, params: null };
    require("fs").writeFileSync(`${dir}/${id}.model.json`, JSON.stringify(d, null, 1));' "$NAME" "$CAND"
  model=(--model "$NAME")
fi
export CUTOUT_MODELS_DIR="$CAND:${CUTOUT_MODELS_DIR:-$SHARED/models:resources/models}"

SETNAMES=(v1-noocc v3-noocc v5 v6 v7 v8)
for s in "${SETNAMES[@]}"; do
  if [ ! -f "$SETS/$s/.complete" ]; then
    recipe=${s%-noocc}; skip=(); [ "$s" != "$recipe" ] && skip=(--skip-occluded)
    "$PY" training/make_heldout_set.py --out "$SETS/$s" --recipe "$recipe" "${skip[@]}" > /dev/null && touch "$SETS/$s/.complete"
  fi
done

# Each set's full report in NAME/SET.txt and its figures in NAME/SET.json (`cutout eval --json`).
for s in "${SETNAMES[@]}" anime_cutout; do
  set_dir="$SETS/$s"; [ "$s" = anime_cutout ] && set_dir="$SHARED/eval/anime_cutout"
  node bin/cutout.mjs eval --set "$set_dir" --task anime "${model[@]}" --json "$SCORES/$NAME/$s.json" > "$SCORES/$NAME/$s.txt" 2>&1
done
node -e '
  const [dir, name, ...sets] = process.argv.slice(1);
  const read = (s) => require(require("path").resolve(dir, `${s}.json`));
  const pooled = sets.map((s) => read(s).pooled.fgIoU);
  sets.forEach((s, i) => console.log(`${name} ${s} pooled fg IoU ${pooled[i].toFixed(4)}`));
  console.log(`${name} mean of six ${(pooled.reduce((a, b) => a + b, 0) / sets.length).toFixed(5)}`);
  const ac = read("anime_cutout").mean;
  console.log(`${name} anime_cutout fg IoU ${ac.fgIoU.toFixed(4)} mean IoU ${ac.meanIoU.toFixed(4)} SAD ${ac.sad.toFixed(3)}`);' \
  "$SCORES/$NAME" "$NAME" "${SETNAMES[@]}"
