#!/usr/bin/env bash
# Recipe exploration on a lent GPU: does more distinct text or more training move the
# held-out accuracy? Makes 4 M distinct pairs of the `make model` mix (four 1 M shards, seeds 0-3;
# shard 0 is exactly make model's data), then trains variants side by side on one GPU; each model
# comes back as a tarball to be evaluated on held-out text with scripts/eval_heldout.py.
# It drives scripts/build_model.py as of the commit each mode ran on (README.md here: fddf732 for
# v7, b6d07b8 for scale and cpu-hour); that script's options have changed since.
#
# Usage (on the GPU machine, from the repository root): bash experiments/gpu-explore/explore_gpu.sh [scale|cpu-hour|v7]
# v7: make model's own 8 M pairs (the shipped v7 data, byte for byte) and three variants of its
# recipe side by side: peak lr 6e-3 and 1.5e-3 (same cost as make model on 2 CPU cores), and a
# ceiling, 2x256 units at 1,024 messages per step (about 8x make model's CPU compute).
# The data packages travel unpacked in .whl/site (symspellpy, editdistpy, wordfreq with its English
# lists only, ftfy, langcodes, locate, wcwidth), carried since the device machine has no registry.
# Make it here once (the wheels whole are ~60 MB, too much beside the repo for one device call):
#   pip download --no-deps --only-binary=:all: --python-version 3.12 --implementation cp \
#     --platform manylinux2014_x86_64 -d .whl symspellpy==6.10.1 editdistpy==0.4.0 \
#     wordfreq==3.1.1 ftfy==6.3.1 langcodes==3.5.1 locate==1.1.1 wcwidth==0.9.4
#   for f in .whl/*.whl; do unzip -qo "$f" -d .whl/site; done; rm .whl/*.whl
#   find .whl/site/wordfreq/data -type f ! -name '*_en.*' -delete
set -u
export PYTHONPATH=$PWD:$PWD/.whl/site:${PYTHONPATH:-} PYTHONUNBUFFERED=1
OUT=${OUT:-runs/explore}
mkdir -p "$OUT" runs/x
nvidia-smi --query-gpu=name,memory.total --format=csv | tee "$OUT/gpu.txt"
python3 -c 'import torch; print("torch", torch.__version__)' | tee -a "$OUT/gpu.txt"
t0=$(date +%s)
[ -n "${SKIP_GPU_TEST:-}" ] ||
  python3 -m pytest -q -p no:cacheprovider -m gpu tests/test_gpu.py > "$OUT/gpu-test.txt" 2>&1 &
case "${1:-scale}" in
v7)
  DATA=runs/x/v7.jsonl
  python3 scripts/build_model.py --data-only --data $DATA --no-progress ${PAIRS:+--pairs $PAIRS}
  ;;
*)
  DATA=runs/x/data4.jsonl
  for s in 0 1 2 3; do
    python3 scripts/build_model.py --data-only --data runs/x/shard$s.jsonl --seed $s --no-progress &
  done
  wait
  cat runs/x/shard[0-3].jsonl > $DATA
  ;;
esac
wait
echo "data: $(( $(date +%s) - t0 )) s" | tee -a "$OUT/gpu.txt"

run() {  # name, then build_model args; a run past LIMIT seconds is stopped (SIGTERM: it saves a
  # checkpoint) and comes back with its log
  local name=$1; shift
  local t=$(date +%s)
  timeout "${LIMIT:-400}" python3 scripts/build_model.py --out runs/x/$name --data $DATA \
    --reuse-data --no-progress --device "${DEVICE:-cuda}" "$@" > runs/x/$name.log 2>&1
  echo "$name: rc $? in $(( $(date +%s) - t )) s: $*" >> runs/x/$name.log
  tar -C runs/x -cf "$OUT/$name.tar" "$name" "$name.log" 2>/dev/null ||
    cp runs/x/$name.log "$OUT/$name.log"
}
case "${1:-scale}" in
scale)
  # same compute as make model, 4x the distinct text
  run h256_b128 --steps 14000 --batch-size 128 &
  # a smaller model, 3x the sequences: about make model's time on 2 CPU cores
  run h128_b384 --steps 14000 --batch-size 384 --hidden 128 &
  # 4x the compute of make model (upper bound on what training longer buys)
  run h256_b512 --steps 14000 --batch-size 512 &
  ;;
cpu-hour)
  # width against sequences seen, each sized to make model's hour on 2 CPU cores
  # (ms/step there: 236 for 256x128 in the shipped build; the others scaled from a T=24
  # microbenchmark: 128x384 203, 96x512 177, 192x192 195, 160x256 207)
  run h128_b384_16k --steps 16000 --batch-size 384 --hidden 128 &
  run h96_b512_18k --steps 18000 --batch-size 512 --hidden 96 &
  run h192_b192_16k --steps 16500 --batch-size 192 --hidden 192 &
  run h160_b256_15k --steps 15500 --batch-size 256 --hidden 160 &
  ;;
v7)
  # STEPS only shortens a dry run; the default is make model's 35,000
  run lr6 --lr 6e-3 --threads 4 ${STEPS:+--steps $STEPS} &
  run lr15 --lr 1.5e-3 --threads 4 ${STEPS:+--steps $STEPS} &
  run h256_b1024 --hidden 256 --batch-size 1024 --threads 4 ${STEPS:+--steps $STEPS} &
  ;;
esac
wait
for f in runs/x/*.log; do echo "$f: $(tail -2 "$f" | tr '\n' ' ')"; done
