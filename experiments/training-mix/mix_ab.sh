#!/usr/bin/env bash
# A training lever, at small scale on 2 CPU cores: where the training time goes across message
# lengths (and how many messages start inside a word). Each variant is a `make model` mix
# (scripts/build_model.py --mix); it gets its own 1 M pairs and is trained for as many steps of 384
# as make the same number of training tokens as BASE's 2,000 steps, so every variant costs about the
# same time (one thread each, two side by side). Then both held-out sets (A: the novels + GPL-3,
# B: four other licences), 300 messages per length and style, both decodes, from word starts and
# from inside words (--mid-word 1.0).
#
#     bash experiments/training-mix/mix_ab.sh NOVEL.txt...     # the held-out novels (README.md)
#
# Variants and results: README.md here (it ran on commit 91a0a9e, whose scripts/build_model.py
# has --mix and --data-only); VARIANTS="a d" runs a subset.
set -eu
NOVELS=("$@")
L=/usr/share/common-licenses
BASE_STEPS=${BASE_STEPS:-2000}
OUT=${OUT:-runs/mix}
declare -A MIX=(
  [a]="letters:4:16:0.3:0.5,natural:4:16:0.3:0.3,letters:4:64:0.2:0.5,natural:4:64:0.2:0.3"
  [b]="letters:4:16:0.4:0.5,natural:4:16:0.4:0.3,letters:4:64:0.1:0.5,natural:4:64:0.1:0.3"
  [c]="letters:4:16:0.45:0.5,natural:4:16:0.45:0.3,letters:4:64:0.05:0.5,natural:4:64:0.05:0.3"
  [d]="letters:4:8:0.2:0.5,natural:4:8:0.2:0.3,letters:4:16:0.25:0.5,natural:4:16:0.25:0.3,letters:4:64:0.05:0.5,natural:4:64:0.05:0.3"
  [e]="letters:4:8:0.3:0.5,natural:4:8:0.3:0.3,letters:4:16:0.15:0.5,natural:4:16:0.15:0.3,letters:4:64:0.05:0.5,natural:4:64:0.05:0.3"
  [f]="letters:4:8:0.2:0.3,natural:4:8:0.2:0.15,letters:4:16:0.25:0.3,natural:4:16:0.25:0.15,letters:4:64:0.05:0.3,natural:4:64:0.05:0.15"
)
VARIANTS=(${VARIANTS:-a b c d e f})
mkdir -p "$OUT"
tokens() {  # mean training tokens per message (letters + word-boundary symbols) of a pairs file
  python - "$1" <<'EOF'
import json, sys
from caesar_rnn.cipher import tokenize
n = t = 0
for line in open(sys.argv[1], encoding="utf-8"):
    t += len(tokenize(json.loads(line)["plaintext"], True))
    n += 1
print(t / n)
EOF
}
for v in a "${VARIANTS[@]}"; do
  [ -f "$OUT/$v.jsonl" ] || python scripts/build_model.py --data-only --data "$OUT/$v.jsonl" \
    --pairs 1000000 --mix "${MIX[$v]}"
done
base=$(tokens "$OUT/a.jsonl")
train() {
  local v=$1 steps
  steps=$(python -c "print(round($BASE_STEPS * $base / $(tokens "$OUT/$v.jsonl")))")
  python scripts/build_model.py --out "$OUT/$v" --data "$OUT/$v.jsonl" --reuse-data --no-progress \
    --threads 1 --steps "$steps" --bf16 > "$OUT/$v.log" 2>&1
}
for ((i = 0; i < ${#VARIANTS[@]}; i += 2)); do
  for v in "${VARIANTS[@]:i:2}"; do train "$v" & done
  wait
done
ev() {  # variant, set name, mid-word share, texts...
  local v=$1 s=$2 mw=$3; shift 3
  python scripts/eval_heldout.py --model "$OUT/$v" --corpus "$@" --per-bucket 300 \
    --buckets 4,6,8,10,12,16,24 --mid-word "$mw" --json "$OUT/$s-$mw-$v.eval.json" > /dev/null
}
rows=()
for mw in 0 1.0; do
  for v in "${VARIANTS[@]}"; do
    ev "$v" A "$mw" "${NOVELS[@]}" $L/GPL-3 &
    ev "$v" B "$mw" $L/Apache-2.0 $L/MPL-2.0 $L/GFDL-1.3 $L/Artistic &
    wait
    rows+=("$v mid-word $mw=$OUT/A-$mw-$v.eval.json,$OUT/B-$mw-$v.eval.json")
  done
done
python scripts/levers_table.py "${rows[@]}"
