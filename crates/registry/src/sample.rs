//! A synthetic registry (合成示例数据) for a region, as the sheets a task force would import:
//! about 300 enterprises across the region's districts and its plans' industries, with tier
//! histories over 8 quarters (one enterprise sheet per quarter, each the state at that
//! quarter's end), ~40 scenarios, ~30 technology demands and ~40 innovation resources (first
//! the platforms extracted from the plans, each with its sentence). Every name says 示例, so
//! nothing passes for real. Deterministic for a seed. The caller imports the rounds in order,
//! approves, publishes batch 1 after `first_batch_after` rounds and batch 2 at the end.
//!
//! [`enterprises_csv`] makes large enterprise sheets for benchmarks.

use crate::credit;
use planwatch_monitor::Period;

/// What the sample is made for.
pub struct SampleInput<'a> {
    pub region: &'a str,
    /// The region's districts with their GB/T 2260 codes (empty for zones).
    pub districts: &'a [(String, String)],
    pub industries: &'a [String],
    /// Platforms extracted from the region's plans: name and plan sentence.
    pub platforms: &'a [(String, String)],
    /// The last quarter of the eight.
    pub last_quarter: Period,
    pub seed: u64,
}

/// One sheet to import: the kind's id, a file name, CSV bytes (UTF-8).
#[derive(Debug, Clone)]
pub struct SampleSheet {
    pub kind: &'static str,
    pub file_name: String,
    pub csv: Vec<u8>,
}

/// The sheets in import order, in rounds; batch 1 is published after round
/// `first_batch_after` (0-based, inclusive), batch 2 after the last.
#[derive(Debug, Clone, Default)]
pub struct Sample {
    pub rounds: Vec<Vec<SampleSheet>>,
    pub first_batch_after: usize,
}

/// The label every sample file carries.
pub const LABEL: &str = "合成示例数据";

struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        // xorshift64*
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn below(&mut self, n: usize) -> usize {
        if n == 0 {
            0
        } else {
            (self.next() % n as u64) as usize
        }
    }
    fn chance(&mut self, percent: u64) -> bool {
        self.next() % 100 < percent
    }
}

/// A valid 统一社会信用代码 for the `n`th synthetic enterprise of a division code.
pub fn synthetic_code(division: &str, n: u64) -> String {
    const CS: &[u8] = b"0123456789ABCDEFGHJKLMNPQRTUWXY";
    let division =
        if division.len() == 6 && division.bytes().all(|b| b.is_ascii_digit()) { division } else { "000000" };
    let mut org = [b'0'; 9];
    let mut x = n;
    for c in org.iter_mut().rev().skip(1) {
        *c = CS[(x % 31) as usize];
        x /= 31;
    }
    org[8] = b'X';
    let stem = format!("91{division}{}", std::str::from_utf8(&org).unwrap_or("000000000"));
    credit::complete(&stem).unwrap_or_default()
}

fn csv_line(cells: &[&str]) -> String {
    let mut line = cells
        .iter()
        .map(|c| if c.contains([',', '"', '\n']) { format!("\"{}\"", c.replace('"', "\"\"")) } else { c.to_string() })
        .collect::<Vec<_>>()
        .join(",");
    line.push('\n');
    line
}

fn quarter_day(q: Period, rng: &mut Rng) -> String {
    let end = crate::counts::period_end(q);
    let (y, m) = (&end[..4], end[5..7].parse::<u32>().unwrap_or(3));
    format!("{y}-{:02}-{:02}", m - 2 + rng.below(3) as u32, 1 + rng.below(28))
}

const TIERS: [&str; 6] = ["入库", "高新技术企业", "专精特新中小企业", "专精特新\"小巨人\"", "瞪羚", "独角兽"];
const WORDS: [&str; 12] =
    ["智联", "星源", "量衡", "启明", "云帆", "瀚海", "天枢", "锐思", "凌峰", "博远", "恒芯", "新域"];

#[derive(Clone)]
struct Firm {
    name: String,
    code: String,
    district: String,
    industry: String,
    established: String,
    listed: String,
    listed_q: usize,
    /// (quarter index, rung, date gained)
    steps: Vec<(usize, usize, String)>,
}

/// Makes the sample. With no districts or industries it is empty.
pub fn sample(input: &SampleInput) -> Sample {
    let mut out = Sample::default();
    if input.districts.is_empty() {
        return out;
    }
    let mut rng = Rng(input.seed | 1);
    let quarters: Vec<Period> = {
        let mut q = vec![input.last_quarter];
        while q.len() < 8 {
            let prev = q[q.len() - 1].prev();
            q.push(prev);
        }
        q.reverse();
        q
    };
    let industries: Vec<&str> = input.industries.iter().map(String::as_str).take(12).collect();
    let industry = |rng: &mut Rng| industries.get(rng.below(industries.len())).copied().unwrap_or("");
    // Enterprises and their tier steps.
    let mut firms = Vec::new();
    for n in 0..300u64 {
        let (district, code) = &input.districts[rng.below(input.districts.len())];
        let listed_q = if n < 180 { 0 } else { rng.below(8) };
        let year: u32 = 2005 + rng.below(18) as u32;
        let mut f = Firm {
            name: format!("示例{}{}科技有限公司{}", WORDS[rng.below(WORDS.len())], industry(&mut rng), n + 1),
            code: synthetic_code(code, n + 1),
            district: district.clone(),
            industry: industry(&mut rng).to_string(),
            established: format!("{year}-{:02}-{:02}", 1 + rng.below(12), 1 + rng.below(28)),
            listed: quarter_day(quarters[listed_q], &mut rng),
            listed_q,
            steps: Vec::new(),
        };
        let mut rung = if rng.chance(40) { 1 } else { 0 };
        f.steps.push((listed_q, rung, f.listed.clone()));
        for (q, quarter) in quarters.iter().enumerate().skip(listed_q + 1) {
            if rung < 5 && rng.chance(if rung < 2 { 12 } else { 5 }) {
                rung += 1;
                f.steps.push((q, rung, quarter_day(*quarter, &mut rng)));
            }
        }
        firms.push(f);
    }
    let header = csv_line(&[
        "企业名称",
        "统一社会信用代码",
        "所在区县",
        "产业领域",
        "成立日期",
        "入库日期",
        "梯度层级",
        "层级认定日期",
        "认定来源",
        "白名单状态",
    ]);
    for (q, quarter) in quarters.iter().enumerate() {
        let mut csv = header.clone();
        for f in firms.iter().filter(|f| f.listed_q <= q) {
            let (_, rung, date) = f.steps.iter().rev().find(|(sq, _, _)| *sq <= q).cloned().unwrap_or_default();
            let source = format!("{LABEL}:{}认定", TIERS[rung]);
            csv.push_str(&csv_line(&[
                &f.name,
                &f.code,
                &f.district,
                &f.industry,
                &f.established,
                &f.listed,
                TIERS[rung],
                &date,
                &source,
                "在库",
            ]));
        }
        out.rounds.push(vec![SampleSheet {
            kind: "enterprise",
            file_name: format!("{LABEL}-企业-{quarter}.csv"),
            csv: csv.into_bytes(),
        }]);
    }
    // Scenarios, demands, resources: in the last-but-one round, so batch 1 has them.
    let district = |rng: &mut Rng| input.districts[rng.below(input.districts.len())].0.clone();
    let mut scen =
        csv_line(&["场景名称", "场景类型", "场景建设单位", "技术供给企业", "产业领域", "所在区县", "建设状态"]);
    for n in 0..40 {
        let kinds = ["早期验证", "融合应用", "典型案例"];
        let states = ["征集中", "建设中", "已建成"];
        let supplier = &firms[rng.below(firms.len())].name;
        scen.push_str(&csv_line(&[
            &format!("示例场景{}:{}应用", n + 1, industry(&mut rng)),
            kinds[rng.below(3)],
            &format!("示例建设单位{}", n + 1),
            supplier,
            industry(&mut rng),
            &district(&mut rng),
            states[rng.below(3)],
        ]));
    }
    let mut dem = csv_line(&["技术难题", "需求企业", "产业领域", "所在区县", "拟投入资金(万元)", "对接状态"]);
    for n in 0..30 {
        let states = ["发布", "对接中", "已解决"];
        dem.push_str(&csv_line(&[
            &format!("示例技术难题{}:{}关键部件国产化", n + 1, industry(&mut rng)),
            &firms[rng.below(firms.len())].name,
            industry(&mut rng),
            &district(&mut rng),
            &(50 + rng.below(2000)).to_string(),
            states[rng.below(3)],
        ]));
    }
    let mut res = csv_line(&["平台名称", "平台类型", "级别", "所在区县", "产业领域", "规划出处", "认定日期"]);
    // Platforms are recognised over the eight quarters; about one in four is national.
    let recognised = |rng: &mut Rng| quarter_day(quarters[rng.below(quarters.len())], rng);
    let level_of = |name: &str, rng: &mut Rng| {
        if name.contains("国家") || rng.chance(25) {
            "国家级"
        } else if name.contains('省') {
            "省级"
        } else {
            "市级"
        }
    };
    let kinds = ["技术创新中心", "新型研发机构", "中试平台", "市级实验室", "产业创新中心"];
    let mut names = std::collections::HashSet::new();
    for (name, sentence) in input.platforms.iter().take(40) {
        if !names.insert(name.clone()) || name.chars().count() > 100 {
            continue;
        }
        let kind = if name.contains("实验室") {
            "市级实验室"
        } else if name.contains("中试") {
            "中试平台"
        } else if name.contains("研究院") || name.contains("研发") {
            "新型研发机构"
        } else if name.contains("创新中心") {
            "技术创新中心"
        } else {
            "其他"
        };
        let sentence: String = sentence.chars().take(200).collect();
        let level = level_of(name, &mut rng);
        let date = recognised(&mut rng);
        res.push_str(&csv_line(&[name, kind, level, &district(&mut rng), "", &sentence, &date]));
    }
    let mut n = 0;
    while names.len() < 40 {
        n += 1;
        let name = format!("示例{}{}", industry(&mut rng), kinds[n % kinds.len()]);
        let name = format!("{name}{n}");
        if names.insert(name.clone()) {
            let level = level_of(&name, &mut rng);
            let date = recognised(&mut rng);
            res.push_str(&csv_line(&[
                &name,
                kinds[n % kinds.len()],
                level,
                &district(&mut rng),
                industry(&mut rng),
                "",
                &date,
            ]));
        }
    }
    let sheet = |kind: &'static str, label: &str, csv: String| SampleSheet {
        kind,
        file_name: format!("{LABEL}-{label}.csv"),
        csv: csv.into_bytes(),
    };
    let k = out.rounds.len() - 2;
    out.rounds[k].push(sheet("scenario", "应用场景", scen));
    out.rounds[k].push(sheet("tech_demand", "技术需求", dem));
    out.rounds[k].push(sheet("resource", "创新资源", res));
    out.first_batch_after = k;
    out
}

/// `n` enterprise rows (all valid) across `districts`, as CSV, for benchmarks.
pub fn enterprises_csv(n: usize, districts: &[(String, String)], industries: &[String], seed: u64) -> Vec<u8> {
    let mut rng = Rng(seed | 1);
    let mut csv = String::from(
        "企业名称,统一社会信用代码,所在区县,产业领域,细分领域,成立日期,入库日期,梯度层级,层级认定日期,认定来源\n",
    );
    for i in 0..n {
        let (district, code) = &districts[i % districts.len().max(1)];
        let rung = rng.below(6);
        let industry = industries.get(rng.below(industries.len())).map(String::as_str).unwrap_or("");
        csv.push_str(&csv_line(&[
            &format!("示例企业{i}"),
            &synthetic_code(code, i as u64 + 1),
            district,
            industry,
            "示例细分",
            &format!("{}-{:02}-{:02}", 2000 + rng.below(20), 1 + rng.below(12), 1 + rng.below(28)),
            "2021-01-15",
            TIERS[rung],
            &format!("2022-{:02}-{:02}", 1 + rng.below(12), 1 + rng.below(28)),
            "示例认定文件",
        ]));
    }
    csv.into_bytes()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::schema::Registries;
    use crate::validate::{check, Context, Industries};

    #[test]
    fn every_sample_sheet_validates_and_the_codes_are_unique() {
        let dicts = planwatch_core::dict::Dictionaries::builtin();
        let districts: Vec<(String, String)> =
            dicts.units_within("合肥市").iter().map(|p| (p.name.clone(), p.code.clone())).collect();
        let industries = vec!["人工智能".to_string(), "量子信息".to_string()];
        let platforms = vec![("合肥示例量子实验室".to_string(), "建设量子实验室。".to_string())];
        let s = sample(&SampleInput {
            region: "合肥市",
            districts: &districts,
            industries: &industries,
            platforms: &platforms,
            last_quarter: Period::parse("2026Q3").unwrap(),
            seed: 7,
        });
        assert_eq!(s.rounds.len(), 8);
        let r = Registries::builtin();
        let ind = Industries::new(&industries);
        let ctx = Context { region: "合肥市", dicts: &dicts, industries: &ind };
        let mut total = 0;
        for sheet in s.rounds.iter().flatten() {
            let v = check(r.kind(sheet.kind).unwrap(), &sheet.csv, &ctx).unwrap();
            assert!(v.is_ok(), "{}: {:?}", sheet.file_name, v.problems.shown());
            total += v.entries.len();
        }
        assert!(total > 300, "{total}");
        let last = check(r.kind("enterprise").unwrap(), &s.rounds[7][0].csv, &ctx).unwrap();
        assert_eq!(last.entries.len(), 300);
        let csv = enterprises_csv(2000, &districts, &industries, 3);
        let v = check(r.kind("enterprise").unwrap(), &csv, &ctx).unwrap();
        assert!(v.is_ok() && v.entries.len() == 2000, "{:?}", v.problems.shown());
    }
}
