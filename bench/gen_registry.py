"""A synthetic enterprise registry (合成示例数据) as CSV sheets for bench/load.sh and for
screenshots, in rounds (so tier histories have steps): round 1 lists every enterprise with
its first tier; round 2 promotes some; round 3 takes a tier from a few.

    python3 bench/gen_registry.py OUT_DIR REGION DISTRICTS [INDUSTRIES] [N] [SEED]

DISTRICTS and INDUSTRIES are comma-separated (INDUSTRIES may be empty: the column is left
out). Writes OUT_DIR/round1.csv … round3.csv (UTF-8), every 统一社会信用代码 with its
GB 32100 check character. Same arguments, same files."""
import os
import random
import sys

CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY"
WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28]
LADDER = ["入库", "高新技术企业", "专精特新中小企业", "专精特新\"小巨人\"", "瞪羚", "独角兽"]
WORDS = ["星河", "天枢", "云帆", "量衡", "智源", "合创", "博远", "新芯", "启明", "恒睿", "光启", "微纳"]
SUFFIX = ["科技有限公司", "智能科技有限公司", "信息技术有限公司", "新材料有限公司", "航天科技有限公司"]


def code(n):
    body = "91510700MA" + "".join(CHARS[(n // 31**k) % 31] for k in range(6, -1, -1))
    s = sum(CHARS.index(c) * w for c, w in zip(body, WEIGHTS))
    return body + CHARS[(31 - s % 31) % 31]


def quarter_date(rng, year, q):
    return f"{year}-{3 * q - 2 + rng.randrange(3):02d}-{1 + rng.randrange(28):02d}"


def main():
    out, region, districts = sys.argv[1], sys.argv[2], [d for d in sys.argv[3].split(",") if d]
    industries = [i for i in (sys.argv[4] if len(sys.argv) > 4 else "").split(",") if i]
    n = int(sys.argv[5]) if len(sys.argv) > 5 else 300
    rng = random.Random(int(sys.argv[6]) if len(sys.argv) > 6 else 1)
    os.makedirs(out, exist_ok=True)
    head = "企业名称,统一社会信用代码,所在区县," + ("产业领域," if industries else "") + "成立日期,梯度层级,层级认定日期,层级失去日期,认定来源\n"
    rows = []
    for i in range(n):
        name = f"{rng.choice(WORDS)}{rng.choice(WORDS)}{SUFFIX[i % len(SUFFIX)]}(合成示例{i + 1:05d})"
        rung = min(int(rng.expovariate(1.2)), 3)
        year, q = rng.choice([(2024, 3), (2024, 4), (2025, 1), (2025, 2), (2025, 3)])
        rows.append({
            "name": name, "code": code(1000 + i), "district": rng.choice(districts),
            "industry": rng.choice(industries) if industries else None, "rung": rung,
            "date": quarter_date(rng, year, q), "lost": "", "source": "合成示例数据",
        })

    def write(name, items):
        with open(os.path.join(out, name), "w", encoding="utf-8") as f:
            f.write(head)
            for r in items:
                cells = [r["name"], r["code"], r["district"]] + ([r["industry"]] if industries else [])
                cells += ["2015-06-01", LADDER[r["rung"]], r["date"], r["lost"], r["source"]]
                f.write(",".join(c.replace(",", ",") for c in cells) + "\n")

    write("round1.csv", rows)
    promoted = []
    for r in rows:
        if r["rung"] < 5 and rng.random() < 0.3:
            r["rung"] += 1
            r["date"] = quarter_date(rng, *rng.choice([(2025, 4), (2026, 1), (2026, 2), (2026, 3)]))
            promoted.append(r)
    write("round2.csv", promoted)
    lost = []
    for r in rows:
        if r["rung"] >= 1 and rng.random() < 0.06:
            r["lost"] = quarter_date(rng, 2026, 3)
            if r["lost"] > r["date"]:
                lost.append(r)
            else:
                r["lost"] = ""
    write("round3.csv", lost)
    print(f"gen_registry: {n} enterprises, {len(promoted)} promoted, {len(lost)} lost a tier", file=sys.stderr)


main()
