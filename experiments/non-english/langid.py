"""Naming the language (issue 22): the confusions, and per-language prior offsets fitted on
generated text.

    python experiments/non-english/langid.py confusion ud ../shared/corpora/ud-dev ../shared/corpora/*.txt
    python experiments/non-english/langid.py confusion gen
    python experiments/non-english/langid.py fit UD NOVELS  # offsets fitted on generated text
    python experiments/non-english/langid.py accents UD NOVELS  # + the accented letters
    python experiments/non-english/langid.py words 5000 4 UD NOVELS    # + words (natural)
    python experiments/non-english/langid.py segment 5000 4 UD NOVELS  # + words (letters)
    python experiments/non-english/langid.py full UD NOVELS  # all of it, + offsets on top
    python experiments/non-english/langid.py ties UD NOVELS  # the tie rule (after full)
    python experiments/non-english/langid.py margin          # skipping the words on a lead

Messages: ``gen`` is gen-data --lang text (a unigram walk over wordfreq's list) of all 27
languages, 100 per language, length (4-64) and style, seed 1000+n (the training source, not the
evaluation sentences); ``ud`` is the held-out UD sentences and the novels, drawn exactly as
``scripts/language_report.py`` draws them (100 per cell, seed 0). Every message is scored once
under every (language, shift) (``language_scores``, cached under /tmp/langid-cache); the
language named is the best pair's, English raised by its prior, as ``decrypt`` names it.
"""

from __future__ import annotations

import sys
from collections import Counter
from pathlib import Path

import numpy as np

from caesar_rnn.classical.multilang import language_scores
from caesar_rnn.data.corpus import TextCorpus
from caesar_rnn.data.generate import STYLES, generate
from caesar_rnn.evaluation.evaluate import Message, sample_messages
from caesar_rnn.languages import CODES

LENGTHS = (4, 8, 16, 32, 64)
CACHE = Path("/tmp/langid-cache")
UD = ("cs", "de", "es", "fi", "fr", "id", "it", "nl", "pl", "pt", "sv", "tr")


def generated(code: str, per: int = 100, seed: int = 1000) -> list[Message]:
    out = []
    for style in STYLES:
        for n in LENGTHS:
            for r in generate(per, n, n, style=style, seed=seed + n, langs=[code]):
                out.append(Message(style, n, str(r["plaintext"]), str(r["ciphertext"]),
                                   int(str(r["shift"]))))  # fmt: skip
    return out


def sources(kind: str, args: list[str]) -> dict[str, list[Message]]:
    if kind.startswith("gen"):  # gen: seed 1000 + n (fit), gen2: 2000 + n (check)
        return {c: generated(c, seed=1000 * (int(kind[3:] or 1))) for c in CODES}
    files = {p.stem: [p] for p in sorted(Path(args[0]).glob("*.txt")) if p.stem in CODES}
    files["en"] = [Path(p) for p in args[1:]]
    return {
        c: sample_messages(TextCorpus.from_files(p), 100, LENGTHS, STYLES, 0, fold_letters=True)
        for c, p in files.items()
    }


def load(kind: str, args: list[str]) -> dict[str, np.ndarray]:
    """Arrays: lang (B,) true code index, style (B,) 0/1, n (B,), shift (B,), s (L, B, 26),
    cipher (B,) object."""
    path = CACHE / f"{kind}.npz"
    if path.exists():
        z = np.load(path, allow_pickle=True)
        return {k: z[k] for k in z.files}
    msgs = [(c, m) for c, ms in sources(kind, args).items() for m in ms]
    cipher = [m.ciphertext for _, m in msgs]
    s = language_scores(cipher, list(CODES)).astype(np.float32)
    out = {
        "lang": np.array([CODES.index(c) for c, _ in msgs]),
        "style": np.array([STYLES.index(m.style) for _, m in msgs]),
        "n": np.array([m.n for _, m in msgs]),
        "shift": np.array([m.shift for _, m in msgs]),
        "cipher": np.array(cipher, dtype=object),
        "s": s,
    }
    CACHE.mkdir(exist_ok=True)
    np.savez(path, **out)  # type: ignore[arg-type]
    return out


def named(s: np.ndarray, offsets: np.ndarray) -> np.ndarray:
    """(B,) the language index of the best (shift, language) pair with ``offsets`` added."""
    return (s.max(axis=2) + offsets[:, None]).argmax(axis=0)


def base_offsets(english: float = 3.0) -> np.ndarray:
    off = np.zeros(len(CODES))
    off[CODES.index("en")] = english
    return off


def table(d: dict[str, np.ndarray], pred: np.ndarray, langs: list[str]) -> None:
    print("| lang | style | " + " | ".join(map(str, LENGTHS)) + " |")
    for c in langs:
        for st, style in enumerate(STYLES):
            cells = []
            for n in LENGTHS:
                m = (d["lang"] == CODES.index(c)) & (d["style"] == st) & (d["n"] == n)
                cells.append(f"{100 * np.mean(pred[m] == d['lang'][m]):.0f}")
            print(f"| {c} | {style} | " + " | ".join(cells) + " |")


def pooled(d: dict[str, np.ndarray], pred: np.ndarray, langs: list[str]) -> str:
    idx = [CODES.index(c) for c in langs]
    out = []
    for st in range(len(STYLES)):
        for n in LENGTHS:
            m = np.isin(d["lang"], idx) & (d["style"] == st) & (d["n"] == n)
            out.append(f"{100 * np.mean(pred[m] == d['lang'][m]):.1f}")
    return " | ".join(out)


def confusion(d: dict[str, np.ndarray], pred: np.ndarray, min_n: int = 16) -> None:
    m = d["n"] >= min_n
    pairs = Counter(
        (CODES[t], CODES[p]) for t, p in zip(d["lang"][m], pred[m], strict=True) if t != p
    )
    print(f"errors from {min_n} letters: {sum(pairs.values())} of {int(m.sum())}")
    for (t, p), k in pairs.most_common(30):
        print(f"  {t} -> {p}: {k}")


def main(argv: list[str]) -> None:
    cmd = argv[0]
    if cmd == "confusion":
        d = load(argv[1], argv[2:])
        pred = named(d["s"], base_offsets())
        langs = list(dict.fromkeys(CODES[i] for i in d["lang"]))
        table(d, pred, langs)
        print(
            "pooled (letters 4..64, natural 4..64), all but en:",
            pooled(d, pred, [c for c in langs if c != "en"]),
        )
        confusion(d, pred)
        confusion(d, pred, 8)
    elif cmd == "accents":
        chars, tab = letter_table()
        print("letters:", chars)
        for kind in ("gen", "gen2", "ud"):
            d = load(kind, argv[1:])
            langs = list(dict.fromkeys(CODES[i] for i in d["lang"]))
            others = [c for c in langs if c != "en"]
            acc = accent_scores(d["cipher"], chars, tab)
            for label, s in (("chain", d["s"]), ("chain+accents", d["s"] + acc[:, :, None])):
                pred = named(s, base_offsets())
                print(
                    f"{kind} {label} others: {pooled(d, pred, others)} | en: {pooled(d, pred, ['en'])}"
                )
            if kind == "ud":
                confusion(d, pred)
    elif cmd == "words":
        chars, tab = letter_table()
        k, top = int(argv[1]), int(argv[2])
        tables = word_tables(k)
        for kind in ("gen", "ud"):
            d = load(kind, argv[3:])
            langs = list(dict.fromkeys(CODES[i] for i in d["lang"]))
            others = [c for c in langs if c != "en"]
            s = (
                d["s"]
                + accent_scores(d["cipher"], chars, tab)[:, :, None]
                + base_offsets()[:, None, None]
            )
            for floor in (-6.0, -7.0):
                for lam in (0.25, 0.5, 1.0):
                    pred = rescore(d, s, tables, floor, lam, top)
                    print(
                        f"{kind} K={k} top={top} floor={floor} lam={lam} others: {pooled(d, pred, others)} | en: {pooled(d, pred, ['en'])}",
                        flush=True,
                    )
    elif cmd == "segment":
        chars, tab = letter_table()
        k, top = int(argv[1]), int(argv[2])
        tables = word_tables(k)
        for kind in ("gen", "ud"):
            d = load(kind, argv[3:])
            langs = list(dict.fromkeys(CODES[i] for i in d["lang"]))
            others = [c for c in langs if c != "en"]
            s = (
                d["s"]
                + accent_scores(d["cipher"], chars, tab)[:, :, None]
                + base_offsets()[:, None, None]
            )
            pred0 = rescore(d, s, tables, -7.0, 0.5, top)
            for per_letter in (-1.5, -2.5):
                for lam in (0.5, 1.0):
                    pred = rescore_letters(d, s, tables, per_letter, lam, top, pred0)
                    print(
                        f"{kind} K={k} top={top} per_letter={per_letter} lam={lam} others: {pooled(d, pred, others)} | en: {pooled(d, pred, ['en'])}",
                        flush=True,
                    )
    elif cmd == "verdict":
        verdict_main(argv[1:])
    elif cmd == "distinct":
        distinct_main(argv[1:])
    elif cmd == "rule":
        rule_main(argv[1:])
    elif cmd == "ties":
        ties_main(argv[1:])
    elif cmd == "margin":
        margin_main()
    elif cmd == "full":
        full_main(argv[1:])
    elif cmd == "fit":
        fit_main(argv[1:])


def fit_main(argv: list[str]) -> None:
    english_weight = 10.0
    g = load("gen", [])
    keep = g["n"] >= 8
    w = np.where(g["lang"] == CODES.index("en"), english_weight, 1.0)[keep]
    off = fit(g["s"][:, keep].max(axis=2), g["lang"][keep], base_offsets(), w, {0})
    print("offsets:", " ".join(f"{c}={o:g}" for c, o in zip(CODES, off, strict=True)))
    np.save(CACHE / "offsets.npy", off)
    checks = (
        {"gen": g, "gen2": load("gen2", []), "ud": load("ud", argv)}
        if argv
        else {"gen": g, "gen2": load("gen2", [])}
    )
    for kind, d in checks.items():
        langs = list(dict.fromkeys(CODES[i] for i in d["lang"]))
        others = [c for c in langs if c != "en"]
        for label, o in (("base", base_offsets()), ("fitted", off)):
            pred = named(d["s"], o)
            print(
                f"{kind} {label} others: {pooled(d, pred, others)} | en: {pooled(d, pred, ['en'])}"
            )


GRID = np.arange(-3.0, 3.01, 0.25)


def fit(m: np.ndarray, truth: np.ndarray, off: np.ndarray, weight: np.ndarray, fixed: set[int],
        rounds: int = 4) -> np.ndarray:  # fmt: skip
    """Coordinate ascent on the weighted share of messages named right: each language's offset
    in turn over ``GRID``, the others held; ``m`` (L, B) each language's best shift score."""
    off = off.copy()
    for _ in range(rounds):
        for li in range(len(off)):
            if li in fixed:
                continue
            rest = m + off[:, None]
            rest[li] = -np.inf
            other, arg = rest.max(axis=0), rest.argmax(axis=0)
            right_l, right_o = weight * (truth == li), weight * (truth == arg)
            gains = [np.sum(np.where(m[li] + v > other, right_l, right_o)) for v in GRID]
            g = np.array(gains)
            ties = GRID[g >= g.max() - 1e-9]
            off[li] = float(ties[np.argmin(np.abs(ties - off[li]))])
    return off


def letter_table() -> tuple[str, np.ndarray]:
    """(the non-ASCII letters, (L, 1 + C) log10 P(any ASCII letter), log10 P(each of them)) of
    each language's wordfreq list, weighted by word frequency; unseen letters 1e-7."""
    import wordfreq

    counts: list[Counter[str]] = []
    for code in CODES:
        c: Counter[str] = Counter()
        for i, (w, f) in enumerate(wordfreq.get_frequency_dict(code, "best").items()):
            if i >= 200_000:
                break
            for ch in w.lower():
                if ch.isalpha():
                    c["a" if ch.isascii() else ch] += f
        counts.append(c)
    chars = sorted({ch for c in counts for ch, v in c.items() if ch != "a" and v > 1e-5})
    t = np.full((len(CODES), 1 + len(chars)), 1e-7)
    for i, c in enumerate(counts):
        total = sum(c.values())
        t[i, 0] = c["a"] / total
        for j, ch in enumerate(chars):
            t[i, 1 + j] = max(c.get(ch, 0.0) / total, 1e-7)
    return "".join(chars), np.log10(t)


def accent_scores(cipher: np.ndarray, chars: str, t: np.ndarray) -> np.ndarray:
    """(L, B) log10-likelihood of which letters are accented, for messages with any non-ASCII
    letter (0 for the rest)."""
    pos = {ch: 1 + j for j, ch in enumerate(chars)}
    out = np.zeros((t.shape[0], len(cipher)))
    for b, text in enumerate(cipher):
        letters = [ch for ch in text.lower() if ch.isalpha()]
        if all(ch.isascii() for ch in letters):
            continue
        cols = [0 if ch.isascii() else pos.get(ch, -1) for ch in letters]
        out[:, b] = sum(t[:, j] if j >= 0 else -7.0 for j in cols)
    return out


WORD_RE = __import__("re").compile(r"[^\W\d_]+")


def word_tables(k: int) -> list[dict[str, float]]:
    """Each language's ``k`` likeliest folded words -> log10 frequency (wordfreq)."""
    from caesar_rnn.classical.langgrams import word_frequencies

    out = []
    for code in CODES:
        words, freqs = word_frequencies(code)
        out.append(dict(zip(words[:k], np.log10(freqs[:k]).tolist(), strict=True)))
    return out


def word_score(plain: str, table: dict[str, float], floor: float) -> float:
    from caesar_rnn.languages import fold

    return sum(max(table.get(fold(w).lower(), floor), floor) for w in WORD_RE.findall(plain))


def rescore(d: dict[str, np.ndarray], s: np.ndarray, tables: list[dict[str, float]],
            floor: float, lam: float, top: int) -> np.ndarray:  # fmt: skip
    """(B,) language named: the ``top`` best (language, shift) pairs of ``s`` rescored with
    ``lam`` x the word score, for natural-style messages (those with a space)."""
    from caesar_rnn.cipher import decrypt

    pred = s.max(axis=2).argmax(axis=0)
    L = s.shape[0]
    for b, text in enumerate(d["cipher"]):
        if " " not in text.strip():
            continue
        flat = s[:, b].ravel()
        cand = np.argpartition(-flat, top)[:top]
        vals = [flat[c] + lam * word_score(decrypt(text, int(c % 26)), tables[c // 26], floor)
                for c in cand]  # fmt: skip
        pred[b] = cand[int(np.argmax(vals))] // 26
    assert len(tables) == L
    return pred


def segment_score(
    letters: str, table: dict[str, float], per_letter: float, longest: int = 12
) -> float:
    """log10 of the best split of ``letters`` into known words, an unknown letter costing
    ``per_letter``."""
    best = [0.0] + [-np.inf] * len(letters)
    for i in range(1, len(letters) + 1):
        v = best[i - 1] + per_letter
        for j in range(max(0, i - longest), i - 1):
            p = table.get(letters[j:i])
            if p is not None and best[j] + p > v:
                v = best[j] + p
        best[i] = v
    return best[-1]


def rescore_letters(d: dict[str, np.ndarray], s: np.ndarray, tables: list[dict[str, float]],
                    per_letter: float, lam: float, top: int, pred: np.ndarray) -> np.ndarray:  # fmt: skip
    from caesar_rnn.cipher import decrypt

    pred = pred.copy()
    for b, text in enumerate(d["cipher"]):
        if " " in text.strip():
            continue
        flat = s[:, b].ravel()
        cand = np.argpartition(-flat, top)[:top]
        vals = [flat[c] + lam * segment_score(decrypt(text, int(c % 26)).lower(), tables[c // 26], per_letter)
                for c in cand]  # fmt: skip
        pred[b] = cand[int(np.argmax(vals))] // 26
    return pred


def combined(
    d: dict[str, np.ndarray], top: int = 4, k: int = 5000, min_letters: int = 8
) -> np.ndarray:
    """(L, B): chain + accents, the ``top`` best (language, shift) pairs of messages of
    ``min_letters`` or more rescored with the word evidence (natural: each word's log10
    frequency, -7 when unknown, x 0.5; letters: the best split into known words, an unknown
    letter -1.5, x 0.5); languages outside the top pairs -inf."""
    from caesar_rnn.cipher import decrypt, letters_of

    chars, tab = letter_table()
    tables = word_tables(k)
    s = d["s"] + accent_scores(d["cipher"], chars, tab)[:, :, None] + base_offsets()[:, None, None]
    m = s.max(axis=2)
    for b, text in enumerate(d["cipher"]):
        if len(letters_of(text)) < min_letters:
            continue
        flat = s[:, b].ravel()
        cand = np.argpartition(-flat, top)[:top]
        m[:, b] = -np.inf
        for c in cand:
            plain = decrypt(text, int(c % 26))
            if " " in text.strip():
                w = word_score(plain, tables[c // 26], -7.0)
            else:
                w = segment_score(plain.lower(), tables[c // 26], -1.5)
            m[c // 26, b] = max(m[c // 26, b], flat[c] + 0.5 * w)
    return m


def full_main(argv: list[str]) -> None:
    ms = {}
    for kind in ("gen", "gen2", "ud"):
        path = CACHE / f"{kind}-combined.npy"
        if not path.exists():
            np.save(path, combined(load(kind, argv)))
        ms[kind] = np.load(path)
    g = load("gen", [])
    keep = g["n"] >= 8
    w = np.where(g["lang"] == CODES.index("en"), 10.0, 1.0)[keep]
    zero = np.zeros(len(CODES))
    mg = ms["gen"][:, keep]
    mg = np.where(np.isfinite(mg), mg, -1e9)
    off = fit(mg, g["lang"][keep], zero, w, {0})
    print("offsets:", " ".join(f"{c}={o:g}" for c, o in zip(CODES, off, strict=True)))
    for kind, m in ms.items():
        d = load(kind, argv)
        langs = list(dict.fromkeys(CODES[i] for i in d["lang"]))
        others = [c for c in langs if c != "en"]
        for label, o in (("words", zero), ("words+fitted", off)):
            pred = (m + o[:, None]).argmax(axis=0)
            print(
                f"{kind} {label} others: {pooled(d, pred, others)} | en: {pooled(d, pred, ['en'])}"
            )
        if kind == "ud":
            table(d, pred, langs)
            confusion(d, pred)


#: Near-identical pairs (the less written one -> the more written one) for the tie rule.
PAIRS = {"ms": "id", "sk": "cs", "ca": "es", "nb": "da"}


def ties_main(argv: list[str]) -> None:
    """Name the more written of two near-identical languages when the evidence (``full``'s
    cached scores) is within ``delta`` (log10)."""
    for kind in ("gen", "gen2", "ud"):
        d = load(kind, argv)
        m = np.load(CACHE / f"{kind}-combined.npy")
        langs = list(dict.fromkeys(CODES[i] for i in d["lang"]))
        others = [c for c in langs if c != "en"]
        for delta in (0, 0.5, 1, 2, 4):
            pred = m.argmax(axis=0)
            for minor, major in PAIRS.items():
                a, b = CODES.index(minor), CODES.index(major)
                pred[(pred == a) & (m[b] >= m[a] - delta)] = b
            extra = f" | all 27: {pooled(d, pred, list(CODES))}" if kind != "ud" else ""
            print(f"{kind} delta={delta} others: {pooled(d, pred, others)}{extra}")


def margin_main() -> None:
    """Skipping the words where the best language leads by ``MARGIN``: named % (letters 8, 16,
    32, natural 8, 16, 32) and the word step's time, on generated text."""
    import time

    from caesar_rnn.classical import langid

    for kind in ("gen", "gen2"):
        d = load(kind, [])
        idx = np.where(d["n"] >= 8)[0]
        msgs = list(d["cipher"][idx])
        s = d["s"][:, idx].astype(float) + base_offsets()[:, None, None]
        s += langid.accent_scores(msgs, list(CODES))[:, :, None]
        t, n, st = d["lang"][idx], d["n"][idx], d["style"][idx]
        for margin in (float("inf"), 6, 4, 3, 2):
            langid.MARGIN = margin
            t0 = time.perf_counter()
            lang, _ = langid.best_pairs(msgs, s, list(CODES))
            dt = time.perf_counter() - t0
            cells = [np.mean(lang[(n == k) & (st == y)] == t[(n == k) & (st == y)])
                     for y in (0, 1) for k in (8, 16, 32)]  # fmt: skip
            print(kind, margin, f"{dt:.1f} s", " ".join(f"{100 * c:.1f}" for c in cells))


def rule_main(argv: list[str]) -> None:
    """decrypt's shipped rule (``classical.langid``) with settings changed: ``KEY=VALUE`` ...
    among TOP, WEIGHT, UNKNOWN_WORD, UNKNOWN_LETTER, MARGIN, MIN_LETTERS, LONG_PRIOR (English's
    prior from 16 letters), TABLE (another langid table file); then UD NOVELS."""
    from caesar_rnn.classical import langid

    sets = dict(a.split("=", 1) for a in argv if "=" in a)
    rest = [a for a in argv if "=" not in a]
    for k, v in sets.items():
        if k == "TABLE":
            data = Path(v).read_bytes()
            langid._shipped.cache_clear()
            langid._words.cache_clear()
            langid._sorted_words.cache_clear()
            from safetensors.numpy import load as st_load

            langid._shipped = lambda data=data: st_load(data)  # type: ignore[assignment]
        elif k != "LONG_PRIOR":
            setattr(langid, k, float(v) if "." in v or "inf" in v else int(v))
    long_prior = float(sets.get("LONG_PRIOR", 3.0))
    for kind in ("gen", "gen2", "ud"):
        d = load(kind, rest)
        msgs = list(d["cipher"])
        s = d["s"].astype(float)
        s[0] += np.where(d["n"] >= 16, long_prior, 3.0)[:, None]
        s += langid.accent_scores(msgs, list(CODES))[:, :, None]
        pred, shift = langid.best_pairs(msgs, s, list(CODES))
        langs = list(dict.fromkeys(CODES[i] for i in d["lang"]))
        others = [c for c in langs if c != "en"]
        print(
            f"{kind} {' '.join(argv[: len(sets)])} others: {pooled(d, pred, others)} | en: {pooled(d, pred, ['en'])}",
            flush=True,
        )
        ok = d["lang"] != CODES.index("en")
        keys = [np.mean((shift == d["shift"])[ok & (d["style"] == y) & (d["n"] == n)])
                for y in (0, 1) for n in (4, 8, 16)]  # fmt: skip
        print(f"{kind} pair's key right (others; letters 4/8/16, natural 4/8/16): "
              + " ".join(f"{100 * k:.1f}" for k in keys))  # fmt: skip


def verdicts(kind: str, argv: list[str]) -> np.ndarray:
    """(B,) the model's English verdict (1 true, 0 false, -1 none) of each message, cached."""
    path = CACHE / f"{kind}-verdict.npy"
    if not path.exists():
        from caesar_rnn.decoding.backends import load_backend
        from caesar_rnn.decoding.calibration import load_calibration
        from caesar_rnn.decoding.decode import decrypt_messages
        from caesar_rnn.store import resolve_model_dir

        model_dir = resolve_model_dir("shipped")
        backend, cal = load_backend(model_dir, "cpu"), load_calibration(model_dir)
        ds = decrypt_messages(list(load(kind, argv)["cipher"]), backend, calibration=cal, top=0)
        np.save(path, np.array([-1 if d.english is None else int(d.english) for d in ds]))
    return np.load(path)


def verdict_main(argv: list[str]) -> None:
    """English's prior only when the model's verdict is not false: ``P`` for messages the model
    says do not read as English (3 = today's rule)."""
    from caesar_rnn.classical import langid

    for kind in ("gen", "gen2", "ud"):
        d, v = load(kind, argv), verdicts(kind, argv)
        msgs = list(d["cipher"])
        base = d["s"].astype(float) + langid.accent_scores(msgs, list(CODES))[:, :, None]
        langs = list(dict.fromkeys(CODES[i] for i in d["lang"]))
        others = [c for c in langs if c != "en"]
        en = d["lang"] == CODES.index("en")
        print(f"{kind}: verdict false on {100 * np.mean(v[~en] == 0):.1f} % of the others, "
              f"{100 * np.mean(v[en] == 0):.1f} % of English")  # fmt: skip
        for p in (3.0, 2.0, 1.0, 0.0):
            s = base.copy()
            s[0] += np.where(v == 0, p, 3.0)[:, None]
            pred, _ = langid.best_pairs(msgs, s, list(CODES))
            print(
                f"{kind} P={p} others: {pooled(d, pred, others)} | en: {pooled(d, pred, ['en'])}",
                flush=True,
            )


def distinct_main(argv: list[str]) -> None:
    """The word step over the best shift of each of the ``k`` best languages (distinct
    languages) instead of the ``TOP`` best (language, shift) pairs."""
    from caesar_rnn.cipher import decrypt, letters_of
    from caesar_rnn.classical import langid

    for kind in ("gen", "gen2", "ud"):
        d = load(kind, argv)
        msgs = list(d["cipher"])
        s = d["s"].astype(float) + base_offsets()[:, None, None]
        s += langid.accent_scores(msgs, list(CODES))[:, :, None]
        per = s.max(axis=2)
        arg = s.argmax(axis=2)
        lead = per.max(axis=0) - np.partition(per, -2, axis=0)[-2]
        langs = list(dict.fromkeys(CODES[i] for i in d["lang"]))
        others = [c for c in langs if c != "en"]
        for k in (4, 6):
            pred = per.argmax(axis=0)
            for b, text in enumerate(msgs):
                if len(letters_of(text)) < langid.MIN_LETTERS or lead[b] > langid.MARGIN:
                    continue
                cand = np.argsort(-per[:, b])[:k]
                vals = [per[c, b] + langid.WEIGHT * langid.word_score(
                    decrypt(text, int(arg[c, b])), CODES[c]) for c in cand]  # fmt: skip
                pred[b] = cand[int(np.argmax(vals))]
            print(
                f"{kind} distinct {k} others: {pooled(d, pred, others)} | en: {pooled(d, pred, ['en'])}",
                flush=True,
            )


if __name__ == "__main__":
    main(sys.argv[1:])
