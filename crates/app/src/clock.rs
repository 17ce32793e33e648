//! Time as the workspace reckons it: the store keeps UTC timestamps (`2026-11-23T08:30:00Z`);
//! people read Beijing time, and reporting deadlines (季后15日) fall on Beijing calendar days.

use time::{Date, Month, PrimitiveDateTime, Time, UtcOffset};

/// Beijing time (China Standard Time, no daylight saving since 1991).
const BEIJING: UtcOffset = match UtcOffset::from_hms(8, 0, 0) {
    Ok(o) => o,
    Err(_) => UtcOffset::UTC,
};

/// Parses the store's UTC timestamp `YYYY-MM-DDTHH:MM:SSZ` (also with a space and without
/// the `Z`); None for anything else.
fn parse_utc(stamp: &str) -> Option<time::OffsetDateTime> {
    let s = stamp.trim().trim_end_matches('Z');
    let (d, t) = s.split_once(['T', ' '])?;
    let mut dp = d.splitn(3, '-').map(|x| x.parse::<i64>().ok());
    let (y, m, day) = (dp.next()??, dp.next()??, dp.next()??);
    let mut tp = t.splitn(3, ':').map(|x| x.parse::<i64>().ok());
    let (h, mi) = (tp.next()??, tp.next()??);
    let sec = tp.next().flatten().unwrap_or(0);
    let date = Date::from_calendar_date(
        i32::try_from(y).ok()?,
        Month::try_from(u8::try_from(m).ok()?).ok()?,
        u8::try_from(day).ok()?,
    )
    .ok()?;
    let time = Time::from_hms(u8::try_from(h).ok()?, u8::try_from(mi).ok()?, u8::try_from(sec).ok()?).ok()?;
    Some(PrimitiveDateTime::new(date, time).assume_utc())
}

/// A stored UTC timestamp in Beijing time, `2026-11-23 16:30:00`; the stamp itself when it
/// is not one (never an error on a page).
pub fn beijing(stamp: &str) -> String {
    match parse_utc(stamp) {
        Some(t) => {
            let t = t.to_offset(BEIJING);
            format!(
                "{}-{:02}-{:02} {:02}:{:02}:{:02}",
                t.year(),
                u8::from(t.month()),
                t.day(),
                t.hour(),
                t.minute(),
                t.second()
            )
        }
        None => stamp.to_string(),
    }
}

/// Today's date in Beijing: what deadlines (季后15日) are reckoned against.
pub fn today_beijing() -> time::Date {
    time::OffsetDateTime::now_utc().to_offset(BEIJING).date()
}

/// The UTC bounds `[from, to]` (store format) of the Beijing calendar days `from` and `to`
/// (`YYYY-MM-DD`, either may be empty = open). A date that does not parse is passed as is
/// (the caller validates dates before).
pub fn beijing_days_to_utc(from: &str, to: &str) -> (String, String) {
    let day = |d: &str, h: &str| -> Option<String> {
        let t = parse_utc(&format!("{d}T{h}"))?;
        let utc = (t - time::Duration::hours(8)).to_offset(UtcOffset::UTC);
        Some(format!(
            "{}-{:02}-{:02}T{:02}:{:02}:{:02}Z",
            utc.year(),
            u8::from(utc.month()),
            utc.day(),
            utc.hour(),
            utc.minute(),
            utc.second()
        ))
    };
    let from = if from.is_empty() { String::new() } else { day(from, "00:00:00").unwrap_or_else(|| from.to_string()) };
    let to = if to.is_empty() { String::new() } else { day(to, "23:59:59").unwrap_or_else(|| to.to_string()) };
    (from, to)
}
