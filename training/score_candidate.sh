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
    *) "$PY" training/export.py --ckpt "$WEIGHTS" --out "$CAND/$NAME.onnx" > "$SCORES/$NAME/export.txt" 2>/dev/null ;;
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

for s in v1-noocc v3-noocc v5 v6 v7 v8; do
  if [ ! -f "$SETS/$s/.complete" ]; then
    recipe=${s%-noocc}; skip=(); [ "$s" != "$recipe" ] && skip=(--skip-occluded)
    "$PY" training/make_heldout_set.py --out "$SETS/$s" --recipe "$recipe" "${skip[@]}" > /dev/null && touch "$SETS/$s/.complete"
  fi
done

sum=0
for s in v1-noocc v3-noocc v5 v6 v7 v8; do
  node bin/cutout.mjs eval --set "$SETS/$s" --task anime "${model[@]}" > "$SCORES/$NAME/$s.txt" 2>&1
  fg=$(sed -n 's/^pooled fg IoU: \([0-9.]*\).*/\1/p' "$SCORES/$NAME/$s.txt")
  echo "$NAME $s pooled fg IoU $fg"
  sum=$(node -e "console.log(${sum} + ${fg})")
done
echo "$NAME mean of six $(node -e "console.log((${sum} / 6).toFixed(5))")"
node bin/cutout.mjs eval --set "$SHARED/eval/anime_cutout" --task anime "${model[@]}" > "$SCORES/$NAME/anime_cutout.txt" 2>&1
echo "$NAME anime_cutout $(grep -E '^(fg IoU|mean IoU|SAD):' "$SCORES/$NAME/anime_cutout.txt" | tr '\n' ' ')"
