#!/usr/bin/env bash
# A record (experiments/key-loss/README.md): ran at b6d07b8, when build_model.py had --key-loss.
# Issue 3 lever, at small scale on 2 CPU cores: the per-letter loss alone against the per-letter loss
# plus the message-level key-decode loss (train.py key_decode_loss, weight 1). Two builds side by
# side (one thread each) on the same 1 M pairs of the make model mix, then both held-out sets
# (A: the novels + GPL-3, B: four other licences), 300 messages per length and style, both decodes.
#
#     bash scripts/key_loss_ab.sh ../shared/corpora/*.txt     # the held-out novels
set -eu
NOVELS=("$@")
L=/usr/share/common-licenses
STEPS=${STEPS:-4000}
mkdir -p runs/ab
[ -f runs/ab/data.jsonl ] || python scripts/build_model.py --data-only --data runs/ab/data.jsonl --pairs 1000000
for w in 0 1; do
  python scripts/build_model.py --out runs/ab/kl$w --data runs/ab/data.jsonl --reuse-data --no-progress \
    --threads 1 --hidden 128 --batch-size 128 --steps "$STEPS" --key-loss $w > runs/ab/kl$w.log 2>&1 &
done
wait
tail -n 1 runs/ab/kl0.log runs/ab/kl1.log
ev() {  # model, set name, texts...
  local m=$1 s=$2; shift 2
  python scripts/eval_heldout.py --model runs/ab/$m --corpus "$@" --per-bucket 300 \
    --buckets 4,6,8,10,12,16,24 --json runs/ab/$s-$m.eval.json > /dev/null
}
for m in kl0 kl1; do
  ev $m A "${NOVELS[@]}" $L/GPL-3 &
  ev $m B $L/Apache-2.0 $L/MPL-2.0 $L/GFDL-1.3 $L/Artistic &
  wait
done
python scripts/levers_table.py per-letter=runs/ab/A-kl0.eval.json,runs/ab/B-kl0.eval.json \
  "per-letter + key=runs/ab/A-kl1.eval.json,runs/ab/B-kl1.eval.json"
