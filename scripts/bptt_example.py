"""Question 1 of docs/theory.md, step by step: the one-unit identity-activation RNN through PyTorch autograd.

    python scripts/bptt_example.py            # the question's numbers
    python scripts/bptt_example.py --markdown # the same tables as Markdown (docs/theory.md)

The forward and backward values come from ``caesar_rnn.theory.bptt_example`` (torch's nn.RNN,
relu standing in for the identity on these positive pre-activations, float64).
"""

from __future__ import annotations

import argparse

from caesar_rnn.theory import Q1, bptt_example


def table(header: list[str], rows: list[list[str]], markdown: bool) -> str:
    if markdown:
        lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
        lines += ["| " + " | ".join(r) + " |" for r in rows]
        return "\n".join(lines)
    widths = [max(len(c) for c in col) for col in zip(header, *rows, strict=True)]
    fmt = "  ".join(f"{{:>{w}}}" for w in widths)
    return "\n".join([fmt.format(*header), *(fmt.format(*r) for r in rows)])


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--markdown", action="store_true")
    args = ap.parse_args()
    p = Q1
    r = bptt_example(p["h0"], p["wh"], p["wx"], p["wy"], p["x"], p["y"])
    g = lambda v: f"{v:g}"  # noqa: E731
    print(
        f"h0 = {g(p['h0'])}, Wh = {g(p['wh'])}, Wx = {g(p['wx'])}, Wy = {g(p['wy'])}; "
        "h_t = Wh h_(t-1) + Wx x_t, yhat_t = Wy h_t, L = sum_t (yhat_t - y_t)^2\n"
    )
    h_prev = [p["h0"], *r["h"][:-1]]
    fwd = [
        [str(t + 1), g(x), g(h_prev[t]), g(r["h"][t]), g(r["yhat"][t]), g(y), g(r["loss_terms"][t])]
        for t, (x, y) in enumerate(zip(p["x"], p["y"], strict=True))
    ]
    print("forward")
    print(
        table(
            ["t", "x_t", "h_(t-1)", "h_t", "yhat_t", "y_t", "(yhat_t - y_t)^2"], fwd, args.markdown
        )
    )
    print(f"\nL = {g(r['loss'])}\n")
    bwd = []
    for t in range(len(r["h"])):
        direct = 2 * (r["yhat"][t] - p["y"][t]) * p["wy"]
        bwd.append(
            [
                str(t + 1),
                g(direct),
                g(r["dL_dh"][t] - direct),
                g(r["dL_dh"][t]),
                g(h_prev[t]),
                g(r["dWh_terms"][t]),
                g(r["dLt_dWh"][t]),
            ]
        )
    print("backward (autograd; dL/dh_t = its own loss term + what flows back from step t+1)")
    header = [
        "t",
        "2(yhat_t-y_t)Wy",
        "from t+1",
        "dL/dh_t",
        "h_(t-1)",
        "dL/dh_t * h_(t-1)",
        "dL_t/dWh",
    ]
    print(table(header, bwd, args.markdown))
    print(
        f"\ndL/dWh = {g(r['dL_dWh'])} (autograd) = sum of dL/dh_t * h_(t-1) "
        f"= {' + '.join(g(v) for v in r['dWh_terms'])} = sum of dL_t/dWh "
        f"= {' + '.join(g(v) for v in r['dLt_dWh'])}"
    )
    print(f"dL/dWx = {g(r['dL_dWx'])}, dL/dWy = {g(r['dL_dWy'])}")


if __name__ == "__main__":
    main()
