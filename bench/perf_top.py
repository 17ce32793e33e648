#!/usr/bin/env python3
"""Top functions of a `perf record --call-graph dwarf` profile, self and inclusive.

Usage:
    perf script -i perf.data -F comm,tid,ip,sym > perf.txt
    python3 bench/perf_top.py perf.txt [--top 15] [--only planwatch_core::extract]

Views (percent of all samples):
  self (leaf)          the function the CPU was in (inlined helpers folded into the function
                       they were inlined into, as the machine code has them);
  self (planwatch)     the innermost planwatch_core frame of each sample, inline-aware: time in
                       std/library code is charged to the planwatch function that called it;
  inclusive            every distinct function on the stack (inlined frames included) once;
                       shown for all code, then for planwatch_core functions only.
--only PREFIX keeps just the samples with a frame starting with PREFIX (e.g. skip start-up).
Python 3 standard library only.
"""

import argparse
import collections
import re
import sys

FRAME = re.compile(r"^\s+[0-9a-f]+ (.*?)(?: \(inlined\))?(?: \(([^)]*)\))?$")


def samples(path):
    stack = []
    with open(path, errors="replace") as f:
        for line in f:
            if not line.strip():
                if stack:
                    yield stack
                stack = []
                continue
            if not line[0].isspace():
                if stack:
                    yield stack
                stack = []
                continue
            inlined = line.rstrip().endswith("(inlined)")
            m = FRAME.match(line.rstrip())
            if m:
                name = m.group(1)
                # Drop a trailing " (/path/to/dso)" that perf prints for some frames.
                name = re.sub(r" \(/[^)]*\)$", "", name)
                stack.append((name, inlined))
    if stack:
        yield stack


PLUMBING = ("std::", "core::ops::function", "__libc", "rayon::", "<rayon::", "throughput::", "planwatch::",
            "<core::iter::adapters", "core::iter::", "<&dyn core::ops::function", "<alloc::vec::Vec<T,A> as core::iter",
            "alloc::vec::Vec<T,A>::extend", "<alloc::vec::Vec<T> as alloc::vec::spec_from_iter::SpecFromIter",
            "<core::slice::iter::Iter<T> as core::iter::traits::iterator::Iterator>::fold")


def short(name, width=110):
    return name if len(name) <= width else name[: width - 1] + "…"


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("script_output")
    ap.add_argument("--top", type=int, default=15)
    ap.add_argument("--only", default="")
    a = ap.parse_args()

    leaf = collections.Counter()
    own = collections.Counter()
    incl = collections.Counter()
    n = 0
    for st in samples(a.script_output):
        if a.only and not any(name.startswith(a.only) for name, _ in st):
            continue
        n += 1
        # Leaf function as compiled: the first frame that is not an inlined one.
        real = next((name for name, inl in st if not inl), st[0][0])
        leaf[real] += 1
        pw = next((name for name, _ in st if name.startswith("planwatch_core::")), "(outside planwatch_core)")
        own[pw] += 1
        for name in set(name for name, _ in st):
            incl[name] += 1
    if n == 0:
        print("no samples")
        return 1
    print(f"{n} samples{' with a frame ' + a.only + '*' if a.only else ''}")
    incl_pw = collections.Counter({k: v for k, v in incl.items() if k.startswith("planwatch_core::")})
    for title, c in (("self (leaf function, as compiled)", leaf),
                     ("self (innermost planwatch_core frame, inline-aware)", own),
                     ("inclusive (every distinct function on the stack)", incl),
                     ("inclusive, planwatch_core functions only", incl_pw)):
        print()
        print(f"top {a.top} — {title}")
        shown = 0
        for name, k in c.most_common():
            if shown == a.top:
                break
            # Inclusive view: hide the plumbing every sample passes through (runtime, rayon,
            # the bench or CLI driver, closures of iterator adapters).
            if c in (incl, incl_pw) and (k >= 0.995 * n or name.startswith(PLUMBING) or "lang_start" in name
                              or "catch_unwind" in name or name in ("main", "_start")):
                continue
            print(f"  {100 * k / n:6.2f}%  {short(name)}")
            shown += 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
