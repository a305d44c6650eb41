#!/usr/bin/env bash
# The decryption and training benchmarks on a GPU machine (< 4 minutes): decrypt --file of 20k short
# messages with the torch backend on the GPU beside NumPy on the CPU and the quadgram crack (same
# run, same file; no decrypt worker left after it), then the model stage alone
# (scripts/gpu_model_bench.py), then training tokens/s on the GPU. Needs python3 with torch, numpy, safetensors, typer, rich, tqdm; not symspellpy (the
# inputs are cut from a paragraph below, and training pairs are random letters).
#     bash scripts/gpu_bench.sh
set -euo pipefail
cd "$(dirname "$0")/.."
export PYTHONPATH="$PWD${PYTHONPATH:+:$PYTHONPATH}"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
nvidia-smi --query-gpu=name,memory.total --format=csv,noheader || true
python3 - "$tmp" <<'PY'
import json, random, subprocess, sys, time
from caesar_rnn.cipher import encrypt, letters_of
tmp = sys.argv[1]
text = letters_of(
    "It was the best of times, it was the worst of times, it was the age of wisdom, it was the "
    "age of foolishness, it was the epoch of belief, it was the epoch of incredulity, it was the "
    "season of light, it was the season of darkness, it was the spring of hope, it was the winter "
    "of despair, we had everything before us, we had nothing before us, we were all going direct "
    "to heaven, we were all going direct the other way"
)
rng = random.Random(0)
plain, cipher = [], []
for _ in range(20000):
    n = rng.randint(4, 64)
    s = rng.randrange(len(text) - n)
    plain.append(text[s : s + n])
    cipher.append(encrypt(plain[-1], rng.randrange(26)))
open(f"{tmp}/msgs.txt", "w").write("\n".join(cipher) + "\n")
chars = sum(map(len, cipher))
print("| decrypt --file, 20,000 lines of 4-64 letters | wall s | msg/s | chars/s | msg acc |")
print("|---|---|---|---|---|")
decrypt = [sys.executable, "-m", "caesar_rnn", "decrypt", "--file", f"{tmp}/msgs.txt"]
crack = [sys.executable, "-m", "caesar_rnn", "crack", "--method", "ngram", "--top", "1", "--json"]
for name, cmd in [
    ("decrypt, cuda (torch)", [*decrypt, "--device", "cuda"]),
    ("decrypt --lang en, cuda (torch)", [*decrypt, "--device", "cuda", "--lang", "en"]),
    ("decrypt, default (--device auto: NumPy on the CPU, --jobs one per core)", decrypt),
    ("crack --method ngram --top 1 --json", [*crack, "--file", f"{tmp}/msgs.txt"]),
]:
    t = time.perf_counter()
    out = subprocess.run(cmd, capture_output=True, text=True, check=True).stdout.splitlines()
    wall = time.perf_counter() - t
    if cmd[3] == "crack":
        out = [json.loads(line)["candidates"][0]["plaintext"] for line in out]
    acc = sum(a == b for a, b in zip(out, plain)) / len(plain)
    print(f"| {name} | {wall:.2f} | {len(plain) / wall:,.0f} | {chars / wall:,.0f} | {acc:.3f} |")
import os
left = [p for p in os.listdir("/proc") if p.isdigit() and b"caesar_rnn\0decrypt" in open(f"/proc/{p}/cmdline", "rb").read()]
print(f"\ndecrypt processes left after the runs: {len(left)}")
PY
python3 scripts/gpu_model_bench.py --device cuda --messages 100000 --repeat 2
for bs in 128 1024; do
  python3 scripts/bench_train.py --device cuda --source random --pairs 20000 --steps 40 \
    --batch-size "$bs" --threads 4
done
