#!/usr/bin/env bash
# A pilot multilingual model: the default 2x128 GRU trained briefly on gen-data --lang pairs of
# the twelve UD languages and English, then measured by language on UD dev text (evaluation
# only). Usage: experiments/non-english/pilot.sh UD_DIR [STEPS]   (runs under nice, 2 threads)
set -euo pipefail
UD=${1:?UD dev folder}; STEPS=${2:-2000}
OUT=runs/pilot-multilang; mkdir -p "$OUT"
LANGS=cs,de,es,fi,fr,id,it,nl,pl,pt,sv,tr,en
CLI="nice -n 10 .venv/bin/caesar-rnn"
part() {  # style min max count mid seed
  $CLI gen-data -q --force --lang $LANGS --style "$1" --min-len "$2" --max-len "$3" \
    --count "$4" --mid-word "$5" --seed "$6" -o "$OUT/part-$1-$3.jsonl" >/dev/null
}
part letters 4 16 90000 0.5 1; part natural 4 16 90000 0.3 2
part letters 4 64 10000 0.5 3; part natural 4 64 10000 0.3 4
cat "$OUT"/part-*.jsonl | shuf --random-source=<(yes) > "$OUT/pairs.jsonl"
/usr/bin/time -f "train wall %e s" $CLI train -q --data "$OUT/pairs.jsonl" --steps "$STEPS" \
  --threads 2 --out "$OUT/model" --force
for f in "$UD"/*.txt; do
  code=$(basename "$f" .txt)
  $CLI eval -q --corpus "$f" --lang "$code" --model "$OUT/model" --solvers key,decrypt \
    --buckets 8,16,32 --per-bucket 100 --seed 0 --json > "$OUT/eval-$code.json"
done
