//! Django's date formats (`django.utils.dateformat`, English names) and `timesince`.

use chrono::{Datelike, NaiveDate, NaiveDateTime, NaiveTime, Timelike};

use super::value::Value;

use crate::timezone::MONTH_NAMES as MONTHS;
/// Associated Press style (Django's `N`).
const MONTHS_AP: [&str; 12] = [
    "Jan.", "Feb.", "March", "April", "May", "June", "July", "Aug.", "Sept.", "Oct.", "Nov.",
    "Dec.",
];
const WEEKDAYS: [&str; 7] = [
    "Monday",
    "Tuesday",
    "Wednesday",
    "Thursday",
    "Friday",
    "Saturday",
    "Sunday",
];

/// Django's named formats for `en` (`django/conf/locale/en/formats.py`).
pub fn named_format(name: &str) -> Option<&'static str> {
    Some(match name {
        "DATE_FORMAT" => "N j, Y",
        "TIME_FORMAT" => "P",
        "DATETIME_FORMAT" => "N j, Y, P",
        "YEAR_MONTH_FORMAT" => "F Y",
        "MONTH_DAY_FORMAT" => "F j",
        "SHORT_DATE_FORMAT" => "m/d/Y",
        "SHORT_DATETIME_FORMAT" => "m/d/Y P",
        _ => return None,
    })
}

/// The parts a format reads.
struct Parts {
    date: Option<NaiveDate>,
    time: Option<NaiveTime>,
    /// UTC offset in seconds, for datetimes (a naive one is in TIME_ZONE, UTC here).
    offset: Option<i32>,
    /// Whether the datetime carried its own time zone (only then does `e` name it).
    aware: bool,
}

fn parts(value: &Value<'_>) -> Option<Parts> {
    Some(match value {
        Value::Date(d) => Parts {
            date: Some(*d),
            time: None,
            offset: None,
            aware: false,
        },
        Value::DateTime(dt, off) => Parts {
            date: Some(dt.date()),
            time: Some(dt.time()),
            offset: Some(off.map_or(0, |o| o.local_minus_utc())),
            aware: off.is_some(),
        },
        Value::Time(t) => Parts {
            date: None,
            time: Some(*t),
            offset: None,
            aware: false,
        },
        _ => return None,
    })
}

/// Formats a date, datetime or time with Django's format characters; `None` when the
/// value is not one, or the format asks a date for its time (Django raises there).
pub fn format(value: &Value<'_>, format: &str) -> Option<String> {
    let p = parts(value)?;
    let mut out = String::new();
    let mut chars = format.chars();
    while let Some(c) = chars.next() {
        if c == '\\' {
            if let Some(next) = chars.next() {
                out.push(next);
            }
            continue;
        }
        if c.is_ascii_alphabetic() {
            if write_common(&mut out, &p, c) {
                continue;
            }
            match piece(&p, c) {
                Some(Some(text)) => out.push_str(&text),
                Some(None) => return None,
                None => out.push(c),
            }
        } else {
            out.push(c);
        }
    }
    Some(out)
}

/// The most used characters, written straight into `out` (no string made for each);
/// false for the others.
fn write_common(out: &mut String, p: &Parts, c: char) -> bool {
    use std::fmt::Write;
    let done = match (c, p.date, p.time) {
        ('d', Some(d), _) => write!(out, "{:02}", d.day()),
        ('j', Some(d), _) => write!(out, "{}", d.day()),
        ('m', Some(d), _) => write!(out, "{:02}", d.month()),
        ('n', Some(d), _) => write!(out, "{}", d.month()),
        ('Y', Some(d), _) => write!(out, "{:04}", d.year()),
        ('D', Some(d), _) => {
            out.push_str(&WEEKDAYS[d.weekday().num_days_from_monday() as usize][..3]);
            Ok(())
        }
        ('M', Some(d), _) => {
            out.push_str(&MONTHS[d.month0() as usize][..3]);
            Ok(())
        }
        ('F', Some(d), _) => {
            out.push_str(MONTHS[d.month0() as usize]);
            Ok(())
        }
        ('N', Some(d), _) => {
            out.push_str(MONTHS_AP[d.month0() as usize]);
            Ok(())
        }
        ('H', _, Some(t)) => write!(out, "{:02}", t.hour()),
        ('i', _, Some(t)) => write!(out, "{:02}", t.minute()),
        ('s', _, Some(t)) => write!(out, "{:02}", t.second()),
        _ => return false,
    };
    done.is_ok()
}

/// One format character: `None` if it is not one, `Some(None)` if the value lacks what
/// it needs.
fn piece(p: &Parts, c: char) -> Option<Option<String>> {
    let t = p.time;
    let d = p.date;
    let time = |f: &dyn Fn(NaiveTime) -> String| Some(t.map(f));
    let date = |f: &dyn Fn(NaiveDate) -> String| Some(d.map(f));
    match c {
        'a' => time(&|t| if t.hour() > 11 { "p.m." } else { "a.m." }.into()),
        'A' => time(&|t| if t.hour() > 11 { "PM" } else { "AM" }.into()),
        'e' => time(&|_| if p.aware { "UTC".into() } else { String::new() }),
        'f' => time(&f_of),
        'g' => time(&|t| hour12(t).to_string()),
        'G' => time(&|t| t.hour().to_string()),
        'h' => time(&|t| format!("{:02}", hour12(t))),
        'H' => time(&|t| format!("{:02}", t.hour())),
        'i' => time(&|t| format!("{:02}", t.minute())),
        'O' => time(&|_| p.offset.map_or(String::new(), offset_text)),
        'P' => time(&|t| match (t.hour(), t.minute()) {
            (0, 0) => "midnight".into(),
            (12, 0) => "noon".into(),
            _ => format!(
                "{} {}",
                f_of(t),
                if t.hour() > 11 { "p.m." } else { "a.m." }
            ),
        }),
        's' => time(&|t| format!("{:02}", t.second())),
        'T' => time(&|_| p.offset.map_or(String::new(), |_| "UTC".into())),
        'u' => time(&|t| format!("{:06}", t.nanosecond() / 1000 % 1_000_000)),
        'Z' => time(&|_| p.offset.map_or(String::new(), |o| o.to_string())),
        'b' => date(&|d| MONTHS[d.month0() as usize][..3].to_lowercase()),
        'c' => Some(d.map(|d| match t {
            Some(t) => {
                let mut s = NaiveDateTime::new(d, t)
                    .format("%Y-%m-%dT%H:%M:%S")
                    .to_string();
                if t.nanosecond() / 1000 > 0 {
                    s.push_str(&format!(".{:06}", t.nanosecond() / 1000));
                }
                if let Some(o) = p.offset.filter(|_| p.aware) {
                    s.push_str(&offset_colon(o));
                }
                s
            }
            None => d.format("%Y-%m-%d").to_string(),
        })),
        'd' => date(&|d| format!("{:02}", d.day())),
        'D' => date(&|d| WEEKDAYS[d.weekday().num_days_from_monday() as usize][..3].into()),
        'E' | 'F' => date(&|d| MONTHS[d.month0() as usize].into()),
        'I' => date(&|_| {
            if p.offset.is_some() {
                "0".into()
            } else {
                String::new()
            }
        }),
        'j' => date(&|d| d.day().to_string()),
        'l' => date(&|d| WEEKDAYS[d.weekday().num_days_from_monday() as usize].into()),
        'L' => date(&|d| if d.leap_year() { "True" } else { "False" }.into()),
        'm' => date(&|d| format!("{:02}", d.month())),
        'M' => date(&|d| MONTHS[d.month0() as usize][..3].into()),
        'n' => date(&|d| d.month().to_string()),
        'N' => date(&|d| MONTHS_AP[d.month0() as usize].into()),
        'o' => date(&|d| d.iso_week().year().to_string()),
        'r' => Some(d.map(|d| {
            let t = t.unwrap_or_default();
            let off = p.offset.unwrap_or(0);
            format!(
                "{}, {:02} {} {:04} {:02}:{:02}:{:02} {}",
                &WEEKDAYS[d.weekday().num_days_from_monday() as usize][..3],
                d.day(),
                &MONTHS[d.month0() as usize][..3],
                d.year(),
                t.hour(),
                t.minute(),
                t.second(),
                offset_text(off)
            )
        })),
        'S' => date(&|d| {
            match d.day() {
                11..=13 => "th",
                n if n % 10 == 1 => "st",
                n if n % 10 == 2 => "nd",
                n if n % 10 == 3 => "rd",
                _ => "th",
            }
            .into()
        }),
        't' => date(&|d| days_in_month(d.year(), d.month()).to_string()),
        'U' => Some(d.map(|d| {
            let dt = NaiveDateTime::new(d, t.unwrap_or_default());
            (dt.and_utc().timestamp() - p.offset.unwrap_or(0) as i64).to_string()
        })),
        'w' => date(&|d| d.weekday().num_days_from_sunday().to_string()),
        'W' => date(&|d| d.iso_week().week().to_string()),
        'y' => date(&|d| format!("{:02}", d.year().rem_euclid(100))),
        'Y' => date(&|d| format!("{:04}", d.year())),
        'z' => date(&|d| d.ordinal().to_string()),
        _ => None,
    }
}

fn hour12(t: NaiveTime) -> u32 {
    if t.hour().is_multiple_of(12) {
        12
    } else {
        t.hour() % 12
    }
}

/// Django's `f`: the hour on a 12-hour clock, with minutes when they are not zero.
fn f_of(t: NaiveTime) -> String {
    let hour = hour12(t);
    if t.minute() == 0 {
        hour.to_string()
    } else {
        format!("{hour}:{:02}", t.minute())
    }
}

fn offset_text(seconds: i32) -> String {
    let sign = if seconds < 0 { '-' } else { '+' };
    let s = seconds.abs();
    format!("{sign}{:02}{:02}", s / 3600, s / 60 % 60)
}

fn offset_colon(seconds: i32) -> String {
    let sign = if seconds < 0 { '-' } else { '+' };
    let s = seconds.abs();
    format!("{sign}{:02}:{:02}", s / 3600, s / 60 % 60)
}

fn days_in_month(year: i32, month: u32) -> u32 {
    const DAYS: [u32; 12] = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
    if month == 2 && NaiveDate::from_ymd_opt(year, 2, 29).is_some() {
        29
    } else {
        DAYS[month as usize - 1]
    }
}

/// A date or datetime as a naive datetime (UTC for aware ones), for `timesince`.
fn instant(value: &Value<'_>) -> Option<NaiveDateTime> {
    match value {
        Value::Date(d) => d.and_hms_opt(0, 0, 0),
        Value::DateTime(dt, _) => Some(*dt),
        _ => None,
    }
}

/// Django's `timesince(d, now)`: "2 weeks, 3 days", with no-break spaces inside each part.
pub fn timesince(d: &Value<'_>, now: Option<&Value<'_>>, reversed: bool) -> Option<String> {
    let d = instant(d)?;
    let now = match now {
        Some(n) => instant(n)?,
        None => chrono::Utc::now().naive_utc(),
    };
    let (d, now) = if reversed { (now, d) } else { (d, now) };
    let since = (now - d).num_seconds();
    let unit = |n: i64, name: &str| format!("{n}\u{a0}{name}{}", if n == 1 { "" } else { "s" });
    if since <= 0 {
        return Some(unit(0, "minute"));
    }
    let mut total_months =
        (now.year() - d.year()) as i64 * 12 + now.month() as i64 - d.month() as i64;
    if d.day() > now.day() || (d.day() == now.day() && d.time() > now.time()) {
        total_months -= 1;
    }
    let (years, months) = (total_months.div_euclid(12), total_months.rem_euclid(12));
    let pivot = if years != 0 || months != 0 {
        let mut y = d.year() + years as i32;
        let mut m = d.month() as i64 + months;
        if m > 12 {
            m -= 12;
            y += 1;
        }
        const MONTHS_DAYS: [u32; 12] = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
        let day = d.day().min(MONTHS_DAYS[m as usize - 1]);
        NaiveDate::from_ymd_opt(y, m as u32, day)?.and_time(d.time())
    } else {
        d
    };
    let mut remaining = (now - pivot).num_seconds();
    let mut partials = vec![years, months];
    for chunk in [604_800, 86_400, 3_600, 60] {
        let count = remaining.div_euclid(chunk);
        partials.push(count);
        remaining -= chunk * count;
    }
    let names = ["year", "month", "week", "day", "hour", "minute"];
    let Some(first) = partials.iter().position(|&v| v != 0) else {
        return Some(unit(0, "minute"));
    };
    let mut result = Vec::new();
    for i in first..names.len() {
        if result.len() == 2 || partials[i] == 0 {
            break;
        }
        result.push(unit(partials[i], names[i]));
    }
    Some(result.join(", "))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn djangos_format_characters() {
        let dt = NaiveDate::from_ymd_opt(2024, 3, 5)
            .unwrap()
            .and_hms_opt(16, 30, 0)
            .unwrap();
        let v = Value::DateTime(dt, None);
        assert_eq!(format(&v, "D d M Y").unwrap(), "Tue 05 Mar 2024");
        assert_eq!(format(&v, "N j, Y, P").unwrap(), "March 5, 2024, 4:30 p.m.");
        assert_eq!(format(&v, "jS \\o\\f F").unwrap(), "5th of March");
        assert_eq!(format(&Value::Date(dt.date()), "H"), None);
    }

    #[test]
    fn timesince_counts_adjacent_units() {
        let a = Value::Date(NaiveDate::from_ymd_opt(2013, 2, 10).unwrap());
        let b = Value::Date(NaiveDate::from_ymd_opt(2014, 3, 10).unwrap());
        assert_eq!(
            timesince(&a, Some(&b), false).unwrap(),
            "1\u{a0}year, 1\u{a0}month"
        );
        assert_eq!(timesince(&b, Some(&a), false).unwrap(), "0\u{a0}minutes");
    }
}
