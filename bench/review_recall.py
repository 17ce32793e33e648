#!/usr/bin/env python3
"""Recall of the review queue (待核对): the share of gold targets and tasks that an extracted
plan either carries as items or lists in its review queue.

usage: review_recall.py --gold DIR --pred DIR [--gold DIR --pred DIR ...] [--verbose]

A gold target counts when a predicted target has its key (year, value, value_max, unit, as the
scorer ../shared/tools/score-plans matches them), or when a review item's text holds the gold
target's phrase (or the reverse). A gold task counts when a predicted task has exactly its
owners, or when a review item's text names all its owners. Prints one line per corpus and the
total."""
import argparse
import json
import re
import unicodedata
from pathlib import Path

PUNCT = re.compile(r"[\s\u3000,，、;；:：。.．﹒!！?？\"'“”‘’()（）\[\]【】〔〕《》<>「」『』—\-–~～·]")


def norm(s):
    return PUNCT.sub("", unicodedata.normalize("NFKC", str(s or "")))


def num(v):
    try:
        return round(float(v), 6)
    except (TypeError, ValueError):
        return None


def tkey(t):
    return (t.get("year"), num(t.get("value")), num(t.get("value_max")), norm(t.get("unit")))


def owners(t):
    return frozenset(norm(x) for x in (t.get("lead") or []) + (t.get("responsible") or []))


def corpus(gold_dir, pred_dir, verbose):
    tg = tc = kg = kc = 0
    for g in sorted(Path(gold_dir).glob("*.gold.json")):
        name = g.name[: -len(".gold.json")]
        gold = json.loads(g.read_text(encoding="utf-8"))
        p = Path(pred_dir) / f"{name}.json"
        pred = json.loads(p.read_text(encoding="utf-8")) if p.exists() else {}
        review = [norm(r.get("text")) for r in pred.get("review") or []]
        pool = {}
        for t in pred.get("targets") or []:
            pool[tkey(t)] = pool.get(tkey(t), 0) + 1
        for t in gold.get("targets") or []:
            tg += 1
            k = tkey(t)
            if pool.get(k, 0) > 0:
                pool[k] -= 1
                tc += 1
                continue
            text = norm(t.get("text"))
            if text and any(r and (text in r or r in text) for r in review):
                tc += 1
            elif verbose:
                print(f"  {name} target not covered: {k} {t.get('text')!r}")
        pred_tasks = [owners(t) for t in pred.get("tasks") or []]
        for t in gold.get("tasks") or []:
            kg += 1
            o = owners(t)
            if o in pred_tasks:
                pred_tasks.remove(o)
                kc += 1
            elif o and any(all(x in r for x in o) for r in review):
                kc += 1
            elif verbose:
                print(f"  {name} task not covered: {sorted(o)}")
    return tg, tc, kg, kc


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--gold", action="append", required=True)
    ap.add_argument("--pred", action="append", required=True)
    ap.add_argument("--verbose", action="store_true")
    a = ap.parse_args()
    T = [0, 0, 0, 0]
    for gd, pd in zip(a.gold, a.pred):
        r = corpus(gd, pd, a.verbose)
        T = [x + y for x, y in zip(T, r)]
        print(f"{gd}: targets {r[1]}/{r[0]} = {r[1] / max(r[0], 1):.3f}, tasks {r[3]}/{r[2]} = {r[3] / max(r[2], 1):.3f}")
    both = (T[1] + T[3]) / max(T[0] + T[2], 1)
    print(f"total: targets {T[1]}/{T[0]} = {T[1] / max(T[0], 1):.3f}, tasks {T[3]}/{T[2]} = {T[3] / max(T[2], 1):.3f}, "
          f"targets and tasks {both:.3f}")


if __name__ == "__main__":
    main()
