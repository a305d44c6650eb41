#!/usr/bin/env bash
# Candidate defaults for `caesar-rnn gen-data` + `caesar-rnn train` (issue 18 item 1): make the
# pairs, train, time it, check the two card examples, evaluate on held-out text.
#
#   bash experiments/default-train/measure.sh CORPUS... [-- RUN...]
#
# CORPUS: held-out English for eval only (we used /usr/share/common-licenses/GPL-3 and
# ../shared/corpora/alice-in-wonderland.txt). RUN names (default: all, in this order):
#   shipped          the shipped model, evaluated only
#   current-s0       today's defaults (gen-data and train with no options), seed 0
#   mix-s{0,1,2}     the recommended recipe, gen-data seed and train seed 0, 1, 2
#   letters-s0       one gen-data call (letters, 4-12 letters, half inside words), same training
#   finetune-s0      the shipped weights, fine-tuned on the mix pairs (finetune.py)
# Results: $OUT/<run>/{train.log,time.txt,checks.txt,eval.json,load.txt}; summary: $OUT/summary.md
# (python experiments/default-train/table.py $OUT). THREADS (default: torch's choice) sets
# --threads; timings are the trainer's own seconds/steps and /usr/bin/time's CPU seconds.
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
BIN=${BIN:-$ROOT/.venv/bin/caesar-rnn}
PY=${PY:-$ROOT/.venv/bin/python}
OUT=${OUT:-$ROOT/runs/default-train}
CORPORA=()
while [ $# -gt 0 ] && [ "$1" != "--" ]; do CORPORA+=("$1"); shift; done
[ "${1:-}" = "--" ] && shift
RUNS=("$@")
[ ${#RUNS[@]} -gt 0 ] || RUNS=(shipped current-s0 mix-s0 mix-s1 mix-s2 letters-s0 finetune-s0)
[ ${#CORPORA[@]} -gt 0 ] || { echo "usage: $0 CORPUS... [-- RUN...]" >&2; exit 2; }
THREADS_OPT=()
[ -n "${THREADS:-}" ] && THREADS_OPT=(--threads "$THREADS")

# The recommended recipe: scripts/build_model.py's mix (60 % 4-8 letters, 30 % 4-16, 10 % 4-64;
# half the letters pairs and 30 % of the natural ones inside words), PAIRS pairs, 2x128 GRU,
# STEPS steps of BATCH, lr 3e-3.
PAIRS=${PAIRS:-500000}
STEPS=${STEPS:-2200}
BATCH=${BATCH:-384}
MIX=(
  "letters 4 8 30 0.5" "natural 4 8 30 0.3" "letters 4 16 15 0.5"
  "natural 4 16 15 0.3" "letters 4 64 5 0.5" "natural 4 64 5 0.3"
)

mix_data() {  # mix_data FILE SEED: the mix as six gen-data calls, concatenated
  local file=$1 seed=$2 i=0 parts=()
  for part in "${MIX[@]}"; do
    read -r style lo hi pct mid <<<"$part"
    "$BIN" gen-data -o "$file.$i" --force --count $((PAIRS * pct / 100)) --style "$style" \
      --min-len "$lo" --max-len "$hi" --mid-word "$mid" --seed $((seed * 10 + i)) 2>/dev/null
    parts+=("$file.$i"); i=$((i + 1))
  done
  cat "${parts[@]}" >"$file" && rm -f "${parts[@]}"
}

checks() {  # checks MODEL DIR: the card's two examples
  { "$BIN" decrypt --model "$1" "khoorzruog"; "$BIN" decrypt --model "$1" "Wkh fdw vdw rq wkh pdw"; } \
    >"$2/checks.txt" 2>"$2/checks.log" || true
}

evaluate() {  # evaluate MODEL DIR
  local args=()
  for c in "${CORPORA[@]}"; do args+=(--corpus "$c"); done
  "$BIN" eval "${args[@]}" --model "$1" --solvers key,ngram --per-bucket 200 \
    --buckets 4,6,8,10,12,16,24 --json >"$2/eval.json" 2>"$2/eval.log"
}

timed() {  # timed DIR CMD...: wall/CPU under /usr/bin/time, load before and after
  local dir=$1; shift
  { date -u +%H:%M:%S; uptime; } >"$dir/load.txt"
  /usr/bin/time -f "wall %e s, user %U s, sys %S s, max RSS %M KB" -o "$dir/time.txt" "$@" \
    >"$dir/train.log" 2>&1
  { date -u +%H:%M:%S; uptime; } >>"$dir/load.txt"
}

run() {
  local name=$1 seed=${1##*-s} dir=$OUT/$1
  mkdir -p "$dir"
  case $name in
    shipped) checks "$ROOT/caesar_rnn/models/default" "$dir"; evaluate "$ROOT/caesar_rnn/models/default" "$dir"; return ;;
    current-s*)
      rm -rf "$dir/caesar-rnn-model"
      ( cd "$dir" && "$BIN" gen-data --force --seed "$seed" 2>/dev/null )
      ( cd "$dir" && timed . "$BIN" train --seed "$seed" --checkpoint-every 0 "${THREADS_OPT[@]}" )
      checks "$dir/caesar-rnn-model" "$dir"; evaluate "$dir/caesar-rnn-model" "$dir"; return ;;
    mix-s*) [ -f "$dir/pairs.jsonl" ] || mix_data "$dir/pairs.jsonl" "$seed" ;;
    letters-s*)
      "$BIN" gen-data -o "$dir/pairs.jsonl" --force --count "$PAIRS" --style letters \
        --min-len 4 --max-len 12 --mid-word 0.5 --seed "$seed" 2>/dev/null ;;
    finetune-s*)
      [ -f "$OUT/mix-s$seed/pairs.jsonl" ] || { mkdir -p "$OUT/mix-s$seed"; mix_data "$OUT/mix-s$seed/pairs.jsonl" "$seed"; }
      timed "$dir" "$PY" "$HERE/finetune.py" "$OUT/mix-s$seed/pairs.jsonl" "$dir/model" \
        "${FT_STEPS:-600}" "$BATCH" "${FT_LR:-3e-4}" "$seed" ${THREADS:-}
      checks "$dir/model" "$dir"; evaluate "$dir/model" "$dir"; return ;;
    *) echo "unknown run $name" >&2; exit 2 ;;
  esac
  if [ -f "$dir/model/config.json" ] && [ -z "${FORCE:-}" ]; then
    echo "$dir/model exists: evaluating it (FORCE=1 retrains)" >&2
  else
    rm -rf "$dir/model"
    timed "$dir" "$BIN" train --data "$dir/pairs.jsonl" --out "$dir/model" --seed "$seed" \
    --hidden 128 --layers 2 --steps "$STEPS" --batch-size "$BATCH" --lr 3e-3 \
    --checkpoint-every 0 "${THREADS_OPT[@]}"
  fi
  checks "$dir/model" "$dir"; evaluate "$dir/model" "$dir"
}

for r in "${RUNS[@]}"; do echo "== $r $(date -u +%H:%M:%S)" >&2; run "$r"; done
"$PY" "$HERE/table.py" "$OUT" >"$OUT/summary.md" && cat "$OUT/summary.md"
