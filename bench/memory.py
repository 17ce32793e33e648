#!/usr/bin/env python3
"""Peak memory of `planwatch extract` on one large and one small document.

Goal (planwatch throughput issue): peak memory below 5 × the input size + 50 MB.

What it does:

* builds the same ×100 concatenated document as `crates/core/benches/throughput.rs`
  (`concat×100`: 100 variants of every seed, variant-major, separated by a blank line; variant k
  shifts the last digit of digit runs on every other line, years excepted) in a temp file;
* also takes the largest single seed file and the ×1 concatenation of all seeds (~300 KB);
* runs `target/release/planwatch extract --max-size 300000000 FILE > /dev/null` RUNS times
  (default 3) per document, each in a fresh subprocess, and reads that child's own peak RSS
  (ru_maxrss) from os.wait4, so runs never see each other's peaks;
* measures the fixed cost of the binary (`planwatch extract` on a 1-line plan) for reference;
* also reads the binary's peak from GNU time (`/usr/bin/time -f %M`) wrapping it, when present;
* measures the "spawn floor": the ru_maxrss wait4 reports for `/bin/true`. Linux carries the
  parent's high-water RSS into a child's ru_maxrss across fork/vfork + exec, so a child can
  never report less than the (forked) parent's peak. This script therefore builds the corpus
  in a separate helper process (`--build DIR`) and keeps the measuring process small; figures
  at or below the floor are flagged as an upper bound only;
* prints median peak RSS, input size, the bound 5 × input + 50 MB and PASS/FAIL.

Units: MB = 10^6 bytes; ru_maxrss is KiB on Linux and is converted to bytes.

Usage: python3 bench/memory.py [--bin PATH] [--seeds DIR] [--runs N] [--variants N]
                               [--dump FILE] [FILE ...]
Extra FILE arguments are measured as well. Python 3 standard library only.
"""

import argparse
import hashlib
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
MB = 1_000_000
DIGITS = re.compile(rb"[0-9]+")


def vary(seed: bytes, k: int) -> bytes:
    """Variant k of a seed; the same function as `vary` in crates/core/benches/throughput.rs."""
    if k == 0:
        return seed
    shift = 1 + (k - 1) % 9
    lines = seed.split(b"\n")
    out = []
    for i, line in enumerate(lines):
        if (i + k) % 2 == 0:
            def sub(m):
                run = m.group()
                if len(run) == 4 and (run.startswith(b"19") or run.startswith(b"20")):
                    return run
                return run[:-1] + bytes([48 + (run[-1] - 48 + shift) % 10])
            line = DIGITS.sub(sub, line)
        out.append(line)
    return b"\n".join(out)


def load_seeds(d):
    names = sorted(n for n in os.listdir(d) if os.path.isfile(os.path.join(d, n)))
    seeds = []
    for n in names:
        with open(os.path.join(d, n), "rb") as f:
            seeds.append((n, f.read()))
    return seeds


def concat(seeds, variants):
    return b"\n\n".join(vary(b, k) for k in range(variants) for _, b in seeds)


def build(out_dir, seeds_dir, variants, dump):
    """Helper-process mode: writes the documents to measure into out_dir."""
    seeds = load_seeds(seeds_dir)
    big = concat(seeds, variants)
    for name, data in ((f"concat_x{variants}.txt", big), ("concat_x1.txt", concat(seeds, 1)),
                       ("tiny.txt", "一、总体要求\n到2025年,全市地区生产总值达到1000亿元。\n".encode())):
        with open(os.path.join(out_dir, name), "wb") as f:
            f.write(data)
    if dump:
        with open(dump, "wb") as f:
            f.write(big)
    print(f"seed corpus: {len(seeds)} files, {sum(len(b) for _, b in seeds)} bytes, from {os.path.realpath(seeds_dir)}")
    print(f"concat×{variants}: {len(big)} bytes, sha256 {hashlib.sha256(big).hexdigest()[:16]}… "
          f"(same bytes as the bench's concat×{variants}; check with BENCH_DUMP_CONCAT)")


def spawn_floor():
    """The ru_maxrss a trivial child reports: the lowest figure any child can report."""
    p = subprocess.Popen(["/bin/true"])
    _, status, ru = os.wait4(p.pid, 0)
    p.returncode = os.waitstatus_to_exitcode(status)
    return ru.ru_maxrss * 1024


GNU_TIME = "/usr/bin/time"


def run_once(binary, path, tmp):
    """Runs one extraction in a fresh child.

    Returns (wait4 peak RSS bytes, GNU time peak RSS bytes or None, exit status, wall s). The child
    is `planwatch` itself, or GNU time wrapping it when /usr/bin/time exists: time forks the
    binary from its own small process, so its %M is not raised by this process's high-water
    mark, while wait4 on the wrapper still returns the binary's ru_maxrss (RUSAGE_BOTH).
    """
    cmd = [binary, "extract", "--max-size", "300000000", path]
    gnu_out = os.path.join(tmp, "gnu-time.out")
    wrapped = ([GNU_TIME, "-f", "%M", "-o", gnu_out] + cmd) if os.access(GNU_TIME, os.X_OK) else cmd
    t0 = time.perf_counter()
    with open(os.devnull, "wb") as devnull:
        p = subprocess.Popen(wrapped, stdout=devnull, stderr=subprocess.PIPE)
        # Read stderr before reaping; the rusage comes from wait4 on the child's own pid.
        err = p.stderr.read()
        p.stderr.close()
        _, status, ru = os.wait4(p.pid, 0)
        p.returncode = os.waitstatus_to_exitcode(status)
    wall = time.perf_counter() - t0
    gnu = None
    if wrapped is not cmd:
        try:
            with open(gnu_out) as f:
                gnu = int(f.read().strip().splitlines()[-1]) * 1024
        except (OSError, ValueError, IndexError):
            gnu = None
    if p.returncode != 0:
        sys.stdout.write(f"  {' '.join(cmd)} failed with status {p.returncode}:\n{err.decode(errors='replace')}\n")
    return ru.ru_maxrss * 1024, gnu, p.returncode, wall


def measure(binary, label, path, runs, rows, tmp, bounded=True):
    size = os.path.getsize(path)
    peaks, gnus, walls, codes = [], [], [], []
    for r in range(runs):
        peak, gnu, code, wall = run_once(binary, path, tmp)
        peaks.append(peak)
        gnus.append(gnu)
        walls.append(wall)
        codes.append(code)
        g = f"{gnu / MB:8.1f} MB" if gnu is not None else "     n/a"
        print(f"  {label:<30} run {r + 1}/{runs}: wait4 peak RSS {peak / MB:8.1f} MB  GNU time {g}  "
              f"wall {wall:6.2f} s  exit {code}")
    gnu_med = statistics.median(gnus) if all(g is not None for g in gnus) else None
    rows.append(dict(label=label, size=size, med=statistics.median(peaks), max=max(peaks), gnu=gnu_med,
                     wall=statistics.median(walls), bound=(5 * size + 50 * MB) if bounded else None,
                     ok=all(c == 0 for c in codes)))


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--bin", default=os.path.join(REPO, "target", "release", "planwatch"))
    ap.add_argument("--seeds", default=os.environ.get("PLANWATCH_SEEDS", os.path.join(REPO, "..", "shared", "seeds")))
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--variants", type=int, default=100)
    ap.add_argument("--dump", help="also write the concatenated document to this file")
    ap.add_argument("--build", metavar="DIR", help=argparse.SUPPRESS)
    ap.add_argument("files", nargs="*", help="more documents to measure")
    a = ap.parse_args()
    sys.stdout.reconfigure(line_buffering=True)
    if a.build:
        build(a.build, a.seeds, a.variants, a.dump)
        return 0

    if not os.access(a.bin, os.X_OK):
        print(f"memory.py: no planwatch binary at {a.bin}; build it with `cargo build --release -p planwatch-cli`")
        return 2
    if not os.path.isdir(a.seeds):
        print(f"memory.py: no seed corpus at {a.seeds}; pass --seeds DIR (or PLANWATCH_SEEDS). Skipping.")
        return 0
    names = sorted(n for n in os.listdir(a.seeds) if os.path.isfile(os.path.join(a.seeds, n)))
    if not names:
        print(f"memory.py: no files in {a.seeds}. Skipping.")
        return 0

    rows = []
    with tempfile.TemporaryDirectory(prefix="planwatch-mem-") as tmp:
        # Build the documents in a helper process: this process must never hold them (see above).
        cmd = [sys.executable, os.path.abspath(__file__), "--build", tmp, "--seeds", a.seeds,
               "--variants", str(a.variants)] + (["--dump", a.dump] if a.dump else [])
        info = subprocess.run(cmd, check=True, stdout=subprocess.PIPE, text=True).stdout
        print(info, end="")
        big_path = os.path.join(tmp, f"concat_x{a.variants}.txt")
        one_path = os.path.join(tmp, "concat_x1.txt")
        tiny_path = os.path.join(tmp, "tiny.txt")
        largest_name = max(names, key=lambda n: os.path.getsize(os.path.join(a.seeds, n)))

        print(f"binary: {a.bin}")
        print(f"command: {a.bin} extract --max-size 300000000 FILE > /dev/null   ({a.runs} runs each)")

        floor = spawn_floor()
        print(f"spawn floor (ru_maxrss wait4 reports for /bin/true started from here): {floor / MB:.1f} MB")
        print()
        measure(a.bin, "fixed cost (1-line plan)", tiny_path, a.runs, rows, tmp, bounded=False)
        measure(a.bin, f"largest seed {largest_name[:17]}", os.path.join(a.seeds, largest_name), a.runs, rows, tmp)
        measure(a.bin, "concat×1 (all seeds, 1 doc)", one_path, a.runs, rows, tmp)
        measure(a.bin, f"concat×{a.variants} (1 doc)", big_path, a.runs, rows, tmp)
        for p in a.files:
            measure(a.bin, os.path.basename(p)[:30], p, a.runs, rows, tmp)
        floor = max(floor, spawn_floor())

    print()
    print("peak memory of `planwatch extract` (median of runs; MB = 10^6 bytes; bound = 5 × input + 50 MB)")
    print("wait4 = ru_maxrss from os.wait4 (never below the spawn floor: '≤' marks figures at the floor);")
    print("GNU time = %M of /usr/bin/time wrapping the binary (not raised by the floor); verdict uses the larger")
    print()
    print(f"{'document':<34} {'input MB':>9} {'wait4 med':>10} {'wait4 max':>9} {'GNU time':>9} {'RSS/input':>9} "
          f"{'wall s':>6} {'bound MB':>8} {'result':>6}")
    print("-" * 110)
    failed = False
    for r in rows:
        at_floor = r["med"] <= floor * 1.02
        w = ("≤" if at_floor else "") + f"{r['med'] / MB:.1f}"
        best = max(x for x in (r["gnu"], None if at_floor else r["med"], 0) if x is not None) or r["med"]
        ratio = f"{best / r['size']:.2f}" if r["bound"] is not None else "-"
        if r["bound"] is None:
            verdict, bound_s = "-", "-"
        else:
            worst = max(r["med"], r["gnu"] or 0)   # the wait4 figure is an upper bound; never below GNU time
            good = r["ok"] and worst < r["bound"]
            failed |= not good
            verdict = "PASS" if good else ("FAIL" if r["ok"] else "ERROR")
            bound_s = f"{r['bound'] / MB:.1f}"
        gnu = f"{r['gnu'] / MB:.1f}" if r["gnu"] is not None else "n/a"
        print(f"{r['label']:<34} {r['size'] / MB:>9.3f} {w:>10} {r['max'] / MB:>9.1f} {gnu:>9} {ratio:>9} "
              f"{r['wall']:>6.2f} {bound_s:>8} {verdict:>6}")
    print()
    print(f"spawn floor: {floor / MB:.1f} MB (the high-water RSS of this Python process, which Linux carries into")
    print("every child's ru_maxrss across fork + exec; the corpus is built in a helper process to keep it low)")
    if len(rows) >= 2 and all(r["gnu"] is not None for r in rows):
        base = rows[0]["gnu"]
        print()
        print(f"growth above the fixed cost ({base / MB:.1f} MB, GNU time), per input byte:")
        for r in rows[1:]:
            print(f"  {r['label']:<34} {(r['gnu'] - base) / r['size']:6.2f} bytes of RSS per input byte")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
