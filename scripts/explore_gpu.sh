#!/usr/bin/env bash
# Recipe exploration on a lent GPU (issue 3): the same data, several model/budget variants trained
# side by side on one GPU; each model comes back as a tarball to be evaluated on held-out text here.
# Usage (device tool): bash scripts/explore_gpu.sh   (needs OUT set; symspellpy wheels in .whl/)
set -u
python3 -m pip install -q --no-index --no-deps --target /tmp/site .whl/*.whl
export PYTHONPATH=$PWD:/tmp/site:${PYTHONPATH:-}
OUT=${OUT:-runs/explore}; mkdir -p "$OUT" runs/x
nvidia-smi --query-gpu=name,memory.total --format=csv | tee "$OUT/gpu.txt"
[ -n "${SKIP_GPU_TEST:-}" ] || python3 -m pytest -q -p no:cacheprovider -m gpu tests/test_gpu.py 2>&1 | tail -3 | tee "$OUT/gpu-test.txt"
python3 scripts/build_model.py --data-only --data runs/x/data.jsonl
run() {  # name, then build_model args
  local name=$1; shift
  python3 scripts/build_model.py --out runs/x/$name --data runs/x/data.jsonl --reuse-data \
    --no-progress --device cuda "$@" > runs/x/$name.log 2>&1
  tar -C runs/x -cf "$OUT/$name.tar" "$name" "$name.log"
}
run canon --steps 14000 --canonical &
run canon_b256 --steps 14000 --batch-size 256 --canonical &
wait
for f in runs/x/*.log; do echo "$f: $(tail -1 "$f")"; done
