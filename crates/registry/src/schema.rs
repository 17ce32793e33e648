//! Kinds of registry as data (`data/registries.toml`): fields, types, rules, and which field
//! is the key, the place, the industry, the owner and the tier. The built-in file is compiled
//! in; [`Registries::load`] extends it with a `registries.toml` of a `--data` directory (a kind
//! of the same id replaces the built-in one).

use serde::Deserialize;
use std::collections::HashSet;
use std::path::Path;
use std::sync::{Arc, Mutex, OnceLock};

const BUILTIN: &str = include_str!("../../../data/registries.toml");

/// Longest text a field holds unless its `max` says otherwise.
pub const DEFAULT_MAX_CHARS: usize = 200;
/// Longest `max` a field may declare.
pub const MAX_FIELD_CHARS: usize = 2000;

/// What a field holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FieldType {
    Text,
    Integer,
    Number,
    /// `YYYY-MM-DD` (also typed as 2019/5/20, 2019.5.20, 2019年5月20日 or 20190520).
    Date,
    /// One of `values`.
    Enum,
    /// A district or county of the region (full or short name, or GB/T 2260 code).
    Place,
    /// One of the industries the region's plans name.
    Industry,
    /// A 统一社会信用代码 (GB 32100), its check character verified.
    CreditCode,
    /// A rung of the ladder `values` (lowest first).
    Tier,
    /// 是/否.
    Bool,
}

impl FieldType {
    pub fn label(self) -> &'static str {
        match self {
            FieldType::Text => "文本",
            FieldType::Integer => "整数",
            FieldType::Number => "数值",
            FieldType::Date => "日期",
            FieldType::Enum => "选项",
            FieldType::Place => "区县",
            FieldType::Industry => "产业",
            FieldType::CreditCode => "统一社会信用代码",
            FieldType::Tier => "层级",
            FieldType::Bool => "是/否",
        }
    }
}

/// One field of a kind.
#[derive(Debug, Clone)]
pub struct Field {
    /// ASCII identifier: the key in the stored JSON, in filters and in the API.
    pub id: String,
    /// The zh header of the sheet column.
    pub name: &'static str,
    pub kind: FieldType,
    pub required: bool,
    /// Allowed values of an enum, or the ladder of a tier (lowest first).
    pub values: Vec<String>,
    /// Most characters of the cell.
    pub max: Option<usize>,
    /// Other headers that name this column.
    pub aliases: Vec<String>,
    /// A date field this date may not precede (a tier gained before the company existed).
    pub not_before: Option<String>,
    /// What to fill in (the template's 说明 sheet).
    pub note: String,
}

/// A field as written in the file, before its name is interned.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawField {
    // ASCII identifier: the key in the stored JSON, in filters and in the API.
    id: String,
    // The zh header of the sheet column.
    name: String,
    #[serde(rename = "type")]
    kind: FieldType,
    #[serde(default)]
    required: bool,
    // Allowed values of an enum, or the ladder of a tier (lowest first).
    #[serde(default)]
    values: Vec<String>,
    // Most characters of the cell.
    #[serde(default)]
    max: Option<usize>,
    // Other headers that name this column.
    #[serde(default)]
    aliases: Vec<String>,
    // A date field this date may not precede (a tier gained before the company existed).
    #[serde(default)]
    not_before: Option<String>,
    // What to fill in (the template's 说明 sheet).
    #[serde(default)]
    note: String,
}

impl<'de> Deserialize<'de> for Field {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Field, D::Error> {
        RawField::deserialize(d).map(Field::from)
    }
}

impl From<RawField> for Field {
    fn from(r: RawField) -> Field {
        Field {
            id: r.id,
            name: intern(r.name.trim()),
            kind: r.kind,
            required: r.required,
            values: r.values,
            max: r.max,
            aliases: r.aliases,
            not_before: r.not_before,
            note: r.note,
        }
    }
}

impl Field {
    pub fn max_chars(&self) -> usize {
        self.max.unwrap_or(DEFAULT_MAX_CHARS)
    }

    /// Whether a header cell names this field (spaces and full-width brackets ignored).
    pub fn matches(&self, header: &str) -> bool {
        let h = fold_header(header);
        fold_header(self.name) == h || self.aliases.iter().any(|a| fold_header(a) == h) || self.id == h
    }

    /// The rung of a tier value (0 = lowest), if it is one.
    pub fn rung(&self, value: &str) -> Option<usize> {
        self.values.iter().position(|v| v == value)
    }
}

fn fold_header(h: &str) -> String {
    h.chars()
        .filter(|c| !c.is_whitespace() && *c != '*')
        .map(|c| match c {
            '（' => '(',
            '）' => ')',
            '“' | '”' => '"',
            c => c,
        })
        .collect()
}

/// A kind of registry.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Kind {
    /// ASCII identifier (`enterprise`): URLs, commands, the store's `kind` column.
    pub id: String,
    /// Short zh name (企业).
    pub name: String,
    /// The registry's zh title (未来产业企业白名单与梯度培育库).
    #[serde(default)]
    pub title: String,
    /// Field id whose value identifies an entry.
    pub key: String,
    /// Field id of type place.
    pub place: String,
    #[serde(default)]
    pub industry: Option<String>,
    #[serde(default)]
    pub owner: Option<String>,
    #[serde(default)]
    pub tier: Option<String>,
    /// Date field from which an entry counts.
    #[serde(default)]
    pub since: Option<String>,
    /// Date field of the day the tier was gained (tier history).
    #[serde(default)]
    pub tier_date: Option<String>,
    /// Date field of the day the tier was lost.
    #[serde(default)]
    pub tier_lost: Option<String>,
    /// Text field naming where the tier comes from (认定文件).
    #[serde(default)]
    pub tier_source: Option<String>,
    #[serde(rename = "field", default)]
    pub fields: Vec<Field>,
}

impl Kind {
    pub fn field(&self, id: &str) -> Option<&Field> {
        self.fields.iter().find(|f| f.id == id)
    }

    pub fn key_field(&self) -> &Field {
        self.field(&self.key).expect("checked when loaded")
    }

    pub fn place_field(&self) -> &Field {
        self.field(&self.place).expect("checked when loaded")
    }

    pub fn tier_field(&self) -> Option<&Field> {
        self.tier.as_deref().and_then(|t| self.field(t))
    }

    /// The zh title, or the name when the data gives none.
    pub fn title(&self) -> &str {
        if self.title.is_empty() {
            &self.name
        } else {
            &self.title
        }
    }

    /// The headers a sheet must have.
    pub fn required_headers(&self) -> Vec<&'static str> {
        self.fields.iter().filter(|f| f.required).map(|f| f.name).collect()
    }

    /// The kind's rules hold together: ids unique and ASCII, the named fields exist with the
    /// right types, enums and tiers have values, `not_before` names a date field.
    fn check(&self) -> Result<(), String> {
        let ascii =
            |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_');
        if !ascii(&self.id) {
            return Err(format!("kind id “{}” must be lower-case ASCII letters, digits or _", self.id));
        }
        let mut seen = HashSet::new();
        for f in &self.fields {
            if f.name.is_empty() || f.name.chars().count() > 40 {
                return Err(format!("kind {}: field {} needs a name of 1 to 40 characters", self.id, f.id));
            }
            if !ascii(&f.id) || !seen.insert(f.id.as_str()) {
                return Err(format!("kind {}: field id “{}” is not lower-case ASCII or repeats", self.id, f.id));
            }
            if matches!(f.kind, FieldType::Enum | FieldType::Tier) && f.values.is_empty() {
                return Err(format!("kind {}: field {} needs `values`", self.id, f.id));
            }
            if f.max.is_some_and(|m| m == 0 || m > MAX_FIELD_CHARS) {
                return Err(format!("kind {}: field {} max must be 1..={MAX_FIELD_CHARS}", self.id, f.id));
            }
            if let Some(other) = &f.not_before {
                if self.field(other).is_none_or(|o| o.kind != FieldType::Date) || f.kind != FieldType::Date {
                    return Err(format!("kind {}: field {} not_before must name a date field", self.id, f.id));
                }
            }
        }
        let need = |id: &str, what: &str, types: &[FieldType]| match self.field(id) {
            Some(f) if types.contains(&f.kind) => Ok(()),
            _ => Err(format!("kind {}: {what} “{id}” must name a field of type {types:?}", self.id)),
        };
        need(
            &self.key,
            "key",
            &[FieldType::Text, FieldType::CreditCode, FieldType::Integer, FieldType::Enum, FieldType::Place],
        )?;
        if !self.key_field().required {
            return Err(format!("kind {}: the key field {} must be required", self.id, self.key));
        }
        need(&self.place, "place", &[FieldType::Place])?;
        if let Some(i) = &self.industry {
            need(i, "industry", &[FieldType::Industry])?;
        }
        if let Some(t) = &self.tier {
            need(t, "tier", &[FieldType::Tier])?;
        }
        if let Some(s) = &self.since {
            need(s, "since", &[FieldType::Date])?;
        }
        for d in [&self.tier_date, &self.tier_lost].into_iter().flatten() {
            need(d, "tier date", &[FieldType::Date])?;
        }
        if let Some(t) = &self.tier_source {
            need(t, "tier_source", &[FieldType::Text])?;
        }
        if let Some(o) = &self.owner {
            need(o, "owner", &[FieldType::Text, FieldType::Enum])?;
        }
        Ok(())
    }
}

#[derive(Debug, Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct File {
    #[serde(rename = "kind", default)]
    kinds: Vec<Kind>,
}

/// Why the kinds could not be loaded.
#[derive(Debug, thiserror::Error)]
pub enum SchemaError {
    #[error("cannot read {path}: {source}")]
    Io { path: String, source: std::io::Error },
    #[error("{path} is not a valid registries file: {message}")]
    Invalid { path: String, message: String },
}

/// The kinds of registry known to this process.
#[derive(Debug, Clone, Default)]
pub struct Registries {
    kinds: Vec<Kind>,
}

impl Registries {
    /// The kinds compiled into the binary.
    pub fn builtin() -> Arc<Registries> {
        static B: OnceLock<Arc<Registries>> = OnceLock::new();
        B.get_or_init(|| {
            let mut r = Registries::default();
            r.add(BUILTIN, "data/registries.toml").expect("built-in registries.toml");
            Arc::new(r)
        })
        .clone()
    }

    /// The built-in kinds extended (and overridden by id) by `registries.toml` in `dir`.
    pub fn load(dir: &Path) -> Result<Registries, SchemaError> {
        let mut r = Registries::default();
        r.add(BUILTIN, "data/registries.toml")?;
        let path = dir.join("registries.toml");
        if path.exists() {
            let text = std::fs::read_to_string(&path)
                .map_err(|source| SchemaError::Io { path: path.display().to_string(), source })?;
            r.add(&text, &path.display().to_string())?;
        }
        Ok(r)
    }

    /// Adds the kinds of a TOML text; a kind of a known id replaces it.
    pub fn add(&mut self, text: &str, path: &str) -> Result<(), SchemaError> {
        let invalid = |message: String| SchemaError::Invalid { path: path.into(), message };
        let file: File = toml::from_str(text).map_err(|e| invalid(e.to_string()))?;
        for kind in file.kinds {
            kind.check().map_err(invalid)?;
            match self.kinds.iter_mut().find(|k| k.id == kind.id) {
                Some(k) => *k = kind,
                None => self.kinds.push(kind),
            }
        }
        Ok(())
    }

    pub fn kinds(&self) -> &[Kind] {
        &self.kinds
    }

    /// A kind by id or zh name.
    pub fn kind(&self, id_or_name: &str) -> Option<&Kind> {
        let s = id_or_name.trim();
        self.kinds.iter().find(|k| k.id == s || k.name == s)
    }
}

/// Field names live for the process: refusals reuse the monitoring [`planwatch_monitor::observations::Problem`],
/// whose column is a `&'static str`. Kinds are loaded once per process (built in, or with
/// `--data`); each distinct name is kept once however often they are loaded.
fn intern(s: &str) -> &'static str {
    static NAMES: OnceLock<Mutex<HashSet<&'static str>>> = OnceLock::new();
    let mut names = NAMES.get_or_init(Default::default).lock().unwrap_or_else(|e| e.into_inner());
    if let Some(n) = names.get(s) {
        return n;
    }
    let n: &'static str = Box::leak(s.to_string().into_boxed_str());
    names.insert(n);
    n
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_builtin_kinds_load_and_name_their_roles() {
        let r = Registries::builtin();
        let ids: Vec<&str> = r.kinds().iter().map(|k| k.id.as_str()).collect();
        assert_eq!(ids, ["enterprise", "scenario", "tech_demand", "promotion", "talent", "resource"]);
        let e = r.kind("企业").unwrap();
        assert_eq!(e.key_field().name, "统一社会信用代码");
        assert_eq!(e.place_field().name, "所在区县");
        assert_eq!(e.required_headers(), ["企业名称", "统一社会信用代码", "所在区县"]);
        let tier = e.tier_field().unwrap();
        assert_eq!(tier.rung("专精特新中小企业"), Some(2));
        assert_eq!(tier.values.last().map(String::as_str), Some("独角兽"));
    }

    #[test]
    fn a_data_directory_adds_a_kind_and_a_field_and_bad_kinds_are_refused() {
        let dir = std::env::temp_dir().join(format!("planwatch-registries-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(
            dir.join("registries.toml"),
            r#"
[[kind]]
id = "fund"
name = "产业基金"
key = "name"
place = "district"
[[kind.field]]
id = "name"
name = "基金名称"
type = "text"
required = true
[[kind.field]]
id = "district"
name = "注册地"
type = "place"
required = true
[[kind.field]]
id = "size"
name = "规模(亿元)"
type = "number"
"#,
        )
        .unwrap();
        let r = Registries::load(&dir).unwrap();
        assert_eq!(r.kinds().len(), 7);
        assert_eq!(r.kind("fund").unwrap().field("size").unwrap().kind, FieldType::Number);
        std::fs::write(
            dir.join("registries.toml"),
            "[[kind]]\nid = \"x\"\nname = \"x\"\nkey = \"nope\"\nplace = \"nope\"\n",
        )
        .unwrap();
        let err = Registries::load(&dir).unwrap_err().to_string();
        assert!(err.contains("key “nope”"), "{err}");
        std::fs::remove_dir_all(&dir).ok();
    }
}
