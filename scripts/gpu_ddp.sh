#!/usr/bin/env bash
# Training options on a GPU (about 2 minutes on one H200; docs/scaling.md): the bf16 GPU test, then training tokens/s of one process in float32,
# with --bf16 autocast, with --compile, and with both; then the same training under
# `torchrun --nproc_per_node 1` (NCCL + DistributedDataParallel on the GPU, a group of one).
# Needs python3 with torch, numpy, typer, rich, tqdm and safetensors; not symspellpy (the data is
# cut from this repository's own English prose with --corpus).
# Usage (on the GPU machine): bash scripts/gpu_ddp.sh      Results: a Markdown table on stdout and in $OUT.
# Smoke test without a GPU: DEVICE=cpu STEPS=20 HIDDEN=16 BATCH=32 bash scripts/gpu_ddp.sh
set -u
export PYTHONPATH=$PWD:${PYTHONPATH:-} PYTHONUNBUFFERED=1
W=$(mktemp -d)
OUT=${OUT:-$W}
nvidia-smi --query-gpu=name,memory.total --format=csv,noheader | tee "$OUT/gpu.txt"
python3 -c "import torch; print('torch', torch.__version__)" | tee -a "$OUT/gpu.txt"
python3 -m pytest -q -p no:cacheprovider -m gpu tests 2>&1 | tail -3 \
  | tee "$OUT/gpu-test.txt"  # the GPU tests, --bf16 training among them (skipped without CUDA)
cat README.md docs/*.md > "$W/corpus.txt" 2> /dev/null
python3 -m caesar_rnn gen-data --corpus "$W/corpus.txt" --count 20000 --out "$W/pairs.jsonl" \
  > /dev/null 2> "$W/gen.log" || { cat "$W/gen.log"; exit 1; }
DEVICE=${DEVICE:-cuda} STEPS=${STEPS:-600} HIDDEN=${HIDDEN:-256} BATCH=${BATCH:-256}
MODEL=(--arch gru --hidden "$HIDDEN" --layers 2 --batch-size "$BATCH" --steps "$STEPS" --device "$DEVICE" --seed 0)
run() {  # label, then extra options; a line "label|tokens/s|train s|wall s|val msg acc|status"
  local label=$1; shift
  local t0=$SECONDS dir="$W/m$RANDOM"
  if timeout 300 "$@" --data "$W/pairs.jsonl" --out "$dir" > "$dir.log" 2>&1; then
    python3 - "$label" "$dir" $((SECONDS - t0)) <<'EOF'
import json, sys
label, d, wall = sys.argv[1:]
m = json.load(open(f"{d}/config.json"))["metrics"]
t = m["train"]
acc = m.get("overall", {}).get("msg_acc_key", float("nan"))
print(f"| {label} | {t['tokens_per_s']:,} | {t['seconds']} | {wall} | {acc:.4f} | ok |")
EOF
  else
    echo "| $label | - | - | $((SECONDS - t0)) | - | failed: $( (grep -m1 'error:' "$dir.log" || tail -1 "$dir.log") | cut -c1-120) |"
  fi
}
TRAIN=(python3 -m caesar_rnn train "${MODEL[@]}")
TORCHRUN=(python3 -m torch.distributed.run --standalone --nproc_per_node 1 -m caesar_rnn train "${MODEL[@]}")
{
  echo "| setting ($DEVICE, GRU ${HIDDEN}x2 bidirectional, batch $BATCH, $STEPS steps) | tokens/s | train s | wall s | val msg acc | |"
  echo "| --- | ---: | ---: | ---: | ---: | --- |"
  run "fp32" "${TRAIN[@]}"
  run "bf16 autocast" "${TRAIN[@]}" --bf16
  run "--compile" "${TRAIN[@]}" --compile
  run "--compile --bf16" "${TRAIN[@]}" --compile --bf16
  run "torchrun 1 process (NCCL, DDP), fp32" "${TORCHRUN[@]}"
  run "torchrun 1 process (NCCL, DDP), bf16" "${TORCHRUN[@]}" --bf16
} | tee "$OUT/gpu_ddp.md"
for f in "$W"/m*.log; do echo "== $f"; grep -v '^\s*$' "$f" | grep -v 'it/s\]\|step/s' | tail -4; done > "$OUT/logs.txt"
