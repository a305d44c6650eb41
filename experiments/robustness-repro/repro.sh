#!/usr/bin/env bash
# Issue 17's reproductions (all but the training faults), one line each: case | exit | what came out.
# Usage: repro.sh PATH/TO/caesar-rnn   (run it with main's and with this branch's install)
set -u
CR=${1:?usage: repro.sh CAESAR_RNN}
PY=$(dirname "$CR")/python
W=$(mktemp -d); trap 'rm -rf "$W"' EXIT
cd "$W"
export PYTHONIOENCODING=utf-8:strict  # stdout as in a UTF-8 locale like en_US.UTF-8
last() { tail -n1 "$1" | cut -c1-110; }
row() { printf '%-34s | %-4s | %s\n' "$1" "$2" "$3"; }
"$PY" - <<'PY'
from caesar_rnn.cipher import encrypt
import random
random.seed(1)
w = "the quick brown fox jumps over a lazy dog and then some more words here".split()
text = "\n".join(" ".join(random.choice(w) for _ in range(12)) for _ in range(25000))
open("c.txt", "w").write(encrypt(text, 7))
open("pipe50k.txt", "wb").write(b"khoor\n" * 49999 + b"\xff\n")
PY
printf 'ab\r\r\ncd\r\n' | "$CR" decrypt --file - >o 2>e; row "CRs kept (3 in)" $? "$(tr -cd '\r' <o | wc -c) CRs out"
(ulimit -f 1024; "$CR" decrypt --whole --file c.txt >o 2>e); row "--whole, ulimit -f 1024" $? "out $(stat -c%s o) B; $(last e)"
"$CR" decrypt --whole --file c.txt 2>e | head -c10 >/dev/null; row "--whole | head -c10" "${PIPESTATUS[0]}" "$(last e)"
"$CR" decrypt --whole --file c.txt >/dev/full 2>e; row "--whole >/dev/full" $? "$(last e)"
"$CR" decrypt khoor >/dev/full 2>e; row "decrypt >/dev/full" $? "$(last e)"
mkfifo f.jsonl; "$CR" gen-data --out f.jsonl --count 3 --force >o 2>e; row "gen-data --force onto a FIFO" $? "$(stat -c%F f.jsonl); $(last e)"
echo x >m.jsonl; chmod 640 m.jsonl; "$CR" gen-data --out m.jsonl --count 3 --force >o 2>e; row "--force keeps mode 640" $? "mode $(stat -c%a m.jsonl)"
mkdir d; touch -d '2020-01-01' d/.caesar-rnn-tmp-999999-p.jsonl.x.tmp d/.p.jsonl.abc.tmp; "$CR" gen-data --out d/p.jsonl --count 3 >o 2>e
row "stale temp files after SIGKILL" $? "left: $(ls -A d | grep tmp | tr "\n" " ")"
cp -r "$("$PY" -c 'from caesar_rnn.store import shipped_model_dir as s; print(s())')" model
cfg() { rm -rf m2; cp -r model m2; "$PY" -c "import sys,json;p='m2/config.json';s=open(p).read();open(p,'w').write(s.replace(sys.argv[1],sys.argv[2],1))" "$1" "$2"; timeout 20 "$CR" decrypt khoor --model m2 >o 2>e; row "config $3" $? "$(last e)"; }
cfg '"hidden": 128' '"hidden": 128.0' 'hidden 128.0'
cfg '"layers": 2' '"layers": 1.5' 'layers 1.5'
cfg '"layers": 2' '"layers": 1e9' 'layers 1e9'
cfg '"layers": 2' "\"layers\": $(printf '1%.0s' $(seq 5000))" 'layers: 5000 digits'
cfg '"canonical": true' '"canonical": "false"' 'canonical "false"'
cfg '"format_version": 1' '"format_version": "1"' 'format_version "1"'
cfg '"metrics": {' "\"metrics\": $(printf '[%.0s' $(seq 3000))1$(printf ']%.0s' $(seq 3000)), \"x\": {" 'nesting 3000'
rm -rf m2; cp -r model m2; "$PY" - <<'PY'
import hashlib, json, numpy as np
from safetensors.numpy import load, save
w = load(open("m2/model.safetensors", "rb").read()); w["head.bias"] = w["head.bias"].copy(); w["head.bias"][:] = np.nan
blob = save(w); open("m2/model.safetensors", "wb").write(blob)
d = json.load(open("m2/config.json")); d["weights_sha256"] = hashlib.sha256(blob).hexdigest(); json.dump(d, open("m2/config.json", "w"))
PY
"$CR" decrypt khoor --model m2 --json >o 2>e; row "NaN weights, checksum redone" $? "$(head -c60 o) $(last e)"
printf '{"ciphertext": "khoor", "plaintext": "hello", "shift": 1e999}\n' >r.jsonl
"$CR" eval --data r.jsonl --solvers ngram >o 2>e; row 'eval row "shift": 1e999' $? "$(last e)"
printf '{"ciphertext": "khoor\\u2028", "plaintext": "hello\xe2\x80\xa8"}\n' >u.jsonl
"$CR" eval --data u.jsonl --solvers ngram >o 2>e; row "eval row with U+2028" $? "$(last e)"
printf '{"ciphertext": "khoor", "plaintext": "hello", "shift": 3}\n' >g.jsonl
"$CR" eval --data g.jsonl --solvers ngram --buckets 100000000 >o 2>e; row "eval --buckets 100000000" $? "$(last e) $(wc -l <o) lines out"
"$CR" eval --data g.jsonl --solvers , >o 2>e; row "eval --solvers ," $? "$(last e) $(wc -l <o) lines out"
"$CR" encrypt $'ab\xffc' >o 2>e; row 'encrypt $ab\xffc' $? "$(od -An -c o | tr -s ' ' | head -c30) $(last e)"
"$CR" gen-data --out $'x\xff.jsonl' --count 2 >o 2>e; row 'gen-data --out $x\xff.jsonl' $? "$(last e)"
"$CR" decrypt --file - <&- >o 2>e; row "stdin closed <&-" $? "$(last e)"
"$CR" decrypt khoor 2>&- >o; row "stderr closed 2>&-: stdout" $? "$(tr '\n' ' ' <o)"
ln -s loop loop; "$CR" decrypt khoor --model loop >o 2>e; row "symlink loop as --model" $? "$(last e)"
timeout 20 "$CR" gen-data --out big.jsonl --min-len 1000000000000 --max-len 1000000000000 --count 1 >o 2>e; row "gen-data --min-len 1e12" $? "$(last e)"
timeout 60 "$CR" decrypt --file /dev/zero >o 2>e; row "--file /dev/zero" $? "$(last e)"
head -c 50000000 /dev/zero | tr '\0' a >nl.txt; s=$(date +%s.%N); timeout 120 "$CR" decrypt --file nl.txt >o 2>e; rc=$?
row "50 MB, no newline" $rc "$("$PY" -c "import sys; print(round($(date +%s.%N) - $s, 1))") s; $(last e)"
"$CR" decrypt --file - <pipe50k.txt >o 2>e; row "bad line 50,000 of a pipe" $? "$(wc -l <o) lines out; $(last e)"
for _ in 1 2 3 4 5 6; do cat c.txt; done >big.txt
for sig in INT TERM; do
  setsid "$CR" decrypt --file big.txt --jobs 2 >o 2>e & pid=$!; sleep 6
  kids=$(pgrep -P $pid -f spawn_main)
  if [ $sig = INT ]; then kill -INT -- -$pid; else kill -TERM $pid; fi
  wait $pid; rc=$?; sleep 0.5; left=0; for k in $kids; do kill -0 $k 2>/dev/null && left=$((left + 1)); done
  row "SIG$sig during --file --jobs 2" $rc "$(grep -c Traceback e) tracebacks; workers left 0.5 s after: $left"
done
