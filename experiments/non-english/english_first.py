"""decrypt's language step against the model on English (issue 22, round 3): where the step
leaves a right English answer, and which rule keeps English without costing the other languages.

    python experiments/non-english/english_first.py diagnose  # diagnose.txt
    python experiments/non-english/english_first.py words   # words_diff.txt
    python experiments/non-english/english_first.py fit     # per-language calibration
    python experiments/non-english/english_first.py grid W:SP:LEAD ... [--ud]

Sets (cached under /tmp/langid-cache): ``tune-en``, English tuning prose
(scripts/tuning_text.py: Python's docs and docstrings, the manual pages; 600 messages per length
4/6/8/10/12/16 and style, seed 0), ``tune-vim``, the prose of Vim's user manual, and both again
with every message starting inside a word (``-mid``); ``gen`` / ``gen2``, gen-data --lang text
of all 27 languages (100 per language, length 4-64 and style; experiments/non-english/langid.py),
``gen6`` the same at 6 letters (seed 3006). The model's answers are cached;
``decoding.language.with_language`` is run on them as decrypt runs it. UD dev and the novels
are read only with ``--ud`` (held out, as scripts/language_report.py draws them: a check).
"""

from __future__ import annotations

import pickle
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).parent))
sys.path.insert(0, str(Path(__file__).parents[2] / "scripts"))
import langid as X  # noqa: E402

from caesar_rnn.languages import CODES  # noqa: E402

TUNE_LENGTHS = (4, 6, 8, 10, 12, 16)
PER = 600


def _decode(cipher: list[str]) -> list:
    from caesar_rnn.decoding.backends import load_backend
    from caesar_rnn.decoding.calibration import load_calibration
    from caesar_rnn.decoding.decode import decrypt_messages
    from caesar_rnn.store import resolve_model_dir

    md = resolve_model_dir("shipped")
    return decrypt_messages(
        cipher, load_backend(md, "cpu"), calibration=load_calibration(md), top=0
    )


def dataset(kind: str) -> dict:
    """cipher, shift, n, style (0 letters / 1 natural), lang (index into CODES), results."""
    path = X.CACHE / f"{kind}-first.pkl"
    if path.exists():
        return pickle.loads(path.read_bytes())  # noqa: S301  (our own cache)
    if kind.startswith("tune-"):
        from tuning_text import tuning_words

        from caesar_rnn.data.corpus import TextCorpus
        from caesar_rnn.evaluation.evaluate import sample_messages

        toks = (
            vim_words()
            if kind.startswith("tune-vim")
            else [w for ws in tuning_words().values() for w in ws]
        )
        cum = [0]
        for t in toks:
            cum.append(cum[-1] + sum(ch.isascii() and ch.isalpha() for ch in t))
        mid = 1.0 if kind.endswith("-mid") else 0.0  # every message starts inside a word
        msgs = sample_messages(
            TextCorpus(toks, cum), PER, TUNE_LENGTHS, ("letters", "natural"), 0, mid
        )
        out = {
            "cipher": [m.ciphertext for m in msgs],
            "shift": np.array([m.shift for m in msgs]),
            "n": np.array([m.n for m in msgs]),
            "style": np.array([m.style == "natural" for m in msgs], int),
            "lang": np.zeros(len(msgs), int),
        }
    elif kind == "gen6":  # 6 letters (gen and gen2 have none), seed 3006
        from caesar_rnn.data.generate import STYLES, generate

        rows = [(CODES.index(c), st, r) for c in CODES for st, style in enumerate(STYLES)
                for r in generate(100, 6, 6, style=style, seed=3006, langs=[c])]  # fmt: skip
        out = {"cipher": [str(r["ciphertext"]) for _, _, r in rows],
               "shift": np.array([int(str(r["shift"])) for _, _, r in rows]),
               "n": np.full(len(rows), 6), "style": np.array([st for _, st, _ in rows]),
               "lang": np.array([c for c, _, _ in rows])}  # fmt: skip
    else:
        d = X.load(kind, [])
        out = {"cipher": list(d["cipher"]), "shift": d["shift"], "n": d["n"],
               "style": d["style"], "lang": d["lang"]}  # fmt: skip
    out["results"] = _decode(out["cipher"])
    X.CACHE.mkdir(exist_ok=True)
    path.write_bytes(pickle.dumps(out))
    return out


def vim_words() -> list[str]:
    """The prose words of Vim's user manual (experiments/words-solver/coverage.py's filter):
    conversational English outside every evaluation set."""
    import re

    prose = re.compile(r"^[(\"']?[A-Za-z]+(?:'[a-z]+)?[.,;:!?)\"']*$")
    out = []
    for path in sorted(Path("/usr/share/vim").glob("vim*/doc/usr_*.txt")):
        for ln in path.read_text(errors="replace").splitlines():
            if ln[:1].isalpha() and not ln.startswith(("vim:", "Next chapter", "Copyright")):
                out += [t for t in ln.split() if prose.match(t)]
    return out


def run(d: dict) -> tuple[np.ndarray, np.ndarray]:
    """(B,) decrypt's shift and language index under the current rule."""
    from caesar_rnn.decoding.language import with_language

    res = with_language(d["results"], top=0)
    shift = np.array([-1 if r.shift is None else r.shift for r in res])
    lang = np.array([CODES.index(r.language) if r.language else -1 for r in res])
    return shift, lang


def cells(d: dict, ok: np.ndarray, langs: list[int] | None, lengths: tuple[int, ...]) -> str:
    out = []
    for st in (0, 1):
        for n in lengths:
            m = (d["style"] == st) & (d["n"] == n)
            if langs is not None:
                m &= np.isin(d["lang"], langs)
            out.append(f"{100 * ok[m].mean():.1f}" if m.any() else "-")
    return " | ".join(out)


TUNE = ["tune-en", "tune-vim", "tune-en-mid", "tune-vim-mid"]
KINDS = ["gen", "gen2", "gen6"]
UD12 = [CODES.index(c) for c in X.UD]
EN = [CODES.index("en")]


def report(tag: str) -> None:
    for kind in TUNE:
        t = dataset(kind)
        shift, _ = run(t)
        model = np.array([-1 if r.shift is None else r.shift for r in t["results"]])
        print(f"{tag} {kind} exact: {cells(t, shift == t['shift'], None, TUNE_LENGTHS)}")
        print(f"{tag} {kind} model: {cells(t, model == t['shift'], None, TUNE_LENGTHS)}")
    for kind in KINDS:
        g = dataset(kind)
        shift, lang = run(g)
        L = (6,) if kind == "gen6" else X.LENGTHS
        print(f"{tag} {kind} exact UD-12: {cells(g, shift == g['shift'], UD12, L)}"
              f" | en: {cells(g, shift == g['shift'], EN, L)}")  # fmt: skip
        print(f"{tag} {kind} named UD-12: {cells(g, lang == g['lang'], UD12, L)}"
              f" | all: {cells(g, lang == g['lang'], None, L)}")  # fmt: skip
        ok = shift == g["shift"]
        low = []
        for c in UD12:
            for st in (0, 1):
                m = (g["lang"] == c) & (g["style"] == st) & (g["n"] == L[min(1, len(L) - 1)])
                low.append((100 * ok[m].mean(), CODES[c], st))
        print(
            f"{tag} {kind} lowest UD-12 at 8:",
            " ".join(f"{c}{st}:{v:.0f}" for v, c, st in sorted(low)[:5]),
        )
    sys.stdout.flush()


def diagnose() -> None:
    """The tuning prose's messages the step gets wrong where the model was right, and the
    generated messages it gets right where the model was wrong: their length, confidence,
    verdict and the language the step named."""
    from collections import Counter

    for kind in ("tune-en", "gen"):
        d = dataset(kind)
        shift, lang = run(d)
        model = np.array([-1 if r.shift is None else r.shift for r in d["results"]])
        conf = np.array([r.confidence for r in d["results"]])
        verdict = np.array([r.english for r in d["results"]])
        right = shift == d["shift"]
        mright = model == d["shift"]
        for name, m in (("lost", mright & ~right), ("won", ~mright & right)):
            print(f"{kind} {name}: {int(m.sum())}")
            print("  by n:", sorted(Counter(d["n"][m].tolist()).items()))
            print("  by lang named:", Counter(CODES[i] for i in lang[m]).most_common(12))
            print("  conf quantiles:", np.quantile(conf[m], [0.1, 0.25, 0.5, 0.75, 0.9]).round(3)
                  if m.any() else "-")  # fmt: skip
            print("  verdict true:", int((verdict[m] == True).sum()))  # noqa: E712


def grid(args: list[str]) -> None:
    """``W:SP:LEAD`` settings: decoding.language's KEY_WEIGHT, SHORT_PRIOR and WORDS_LEAD
    (``none``: no words check); ``--ud`` adds the held-out UD dev + novels (a check, never the
    choice)."""
    from caesar_rnn.decoding import language

    if "--ud" in args:
        args.remove("--ud")
        KINDS.append("ud")
    for a in args or ["0.5:1:0"]:
        w, sp, lead = a.split(":")
        language.KEY_WEIGHT, language.SHORT_PRIOR = float(w), float(sp)
        language.WORDS_LEAD = None if lead == "none" else float(lead)
        report(f"W={w} SP={sp} LEAD={lead}")


def words() -> None:
    """For the answers the step moves off the key of a model answer with the English verdict
    true: the new reading's word score in its language minus the model reading's in English
    (``langid.word_scores``), for the ones it loses (the model was right) and wins."""
    from caesar_rnn.cipher import decrypt
    from caesar_rnn.classical.langid import word_scores

    for kind in [*TUNE, "gen", "gen2", "gen6"]:
        d = dataset(kind)
        shift, lang = run(d)
        model = np.array([-1 if r.shift is None else r.shift for r in d["results"]])
        sure = np.array([r.english is True for r in d["results"]])
        idx = np.flatnonzero((shift != model) & (model >= 0) & sure)
        new = word_scores([decrypt(d["cipher"][i], int(shift[i])) for i in idx],
                          [CODES[lang[i]] for i in idx])  # fmt: skip
        old = word_scores([d["results"][i].plaintext for i in idx], ["en"] * len(idx))
        diff = np.array(new) - np.array(old)
        right, mright = shift[idx] == d["shift"][idx], model[idx] == d["shift"][idx]
        for name, m in (("lost", mright & ~right), ("won", ~mright & right)):
            for st in (0, 1):
                mm = m & (d["style"][idx] == st)
                if mm.any():
                    q = np.quantile(diff[mm], [0.05, 0.25, 0.5]).round(1).tolist()
                    print(f"{kind} {name} style={st} n={int(mm.sum())} quantiles 5/25/50 %: {q}"
                          f" below 0: {np.mean(diff[mm] < 0):.2f}")  # fmt: skip


def fit_calibration(kind: str = "gen") -> dict[str, tuple[float, float]]:
    """Per language, a logistic fit of whether the English model's key is right on ``kind``'s
    messages in that language against the log10 odds of its calibrated confidence (messages
    with the English verdict true): P = 1 / (1 + 10^-(a + b x)). Newton's method, a tiny ridge."""
    d = dataset(kind)
    conf = np.array([r.confidence for r in d["results"]])
    verdict = np.array([r.english is True for r in d["results"]])
    model = np.array([-1 if r.shift is None else r.shift for r in d["results"]])
    x = np.log10(np.clip(conf, 1e-6, 1 - 1e-6) / (1 - np.clip(conf, 1e-6, 1 - 1e-6)))
    out = {}
    for c, code in enumerate(CODES):
        m = (d["lang"] == c) & verdict
        X_ = np.stack([np.ones(m.sum()), x[m]], 1) * np.log(10)
        y = (model[m] == d["shift"][m]).astype(float)
        w = np.zeros(2)
        for _ in range(50):
            p = 1 / (1 + np.exp(-X_ @ w))
            g = X_.T @ (p - y) + 1e-3 * w
            h = (X_ * (p * (1 - p))[:, None]).T @ X_ + 1e-3 * np.eye(2)
            w -= np.linalg.solve(h, g)
        out[code] = (round(float(w[0]), 2), round(float(w[1]), 2))
    return out


if __name__ == "__main__":
    if sys.argv[1] in ("diagnose", "words"):  # the step as it was (round 2)
        from caesar_rnn.decoding import language

        language.KEY_WEIGHT, language.SHORT_PRIOR, language.WORDS_LEAD = 0.0, 0.0, None
        diagnose() if sys.argv[1] == "diagnose" else words()
    elif sys.argv[1] == "fit":
        print(fit_calibration("gen"), fit_calibration("gen2"), sep="\n")
    else:
        grid(sys.argv[2:])
