"""Paths for bench/load.sh's monitoring endpoints: `MODE PATH` lines from the sample's
ranking (its newest period) and indicator list."""
import json
import sys
import urllib.parse

rank = json.load(open(sys.argv[1], encoding="utf-8"))
inds = json.load(open(sys.argv[2], encoding="utf-8"))
index = urllib.parse.quote(sys.argv[3], safe="")
period = rank["period"]
y, q = int(period[:4]), int(period[5:])
periods = []
for _ in range(4):
    periods.append(f"{y}Q{q}")
    y, q = (y, q - 1) if q > 1 else (y - 1, 4)
plan = next(i["document_id"] for i in inds if i["document_id"])
codes = [i["code"] for i in inds if i["document_id"] == plan][:8]
for p in periods:
    print(f"progress /plans/{plan}/progress?as_of={p}")
    print(f"ranking /rankings/{index}?period={p}")
for c in codes:
    print(f"map /maps?indicator={urllib.parse.quote(c, safe='')}")
