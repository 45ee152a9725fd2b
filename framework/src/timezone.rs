//! Dates and times in UTC (Django's `django.utils.timezone`, with TIME_ZONE = "UTC").

use std::time::{SystemTime, UNIX_EPOCH};

/// The months' names in English, January first.
pub const MONTH_NAMES: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

/// The latest moment an HTTP date (and so a cookie's `expires`) can name: the last second
/// of the year 9999.
const LATEST: u64 = 253_402_300_799;

/// When something that lives `age` from now expires; `None` past the year 9999, which no
/// cookie date nor database column can hold.
pub fn expires_after(age: std::time::Duration) -> Option<SystemTime> {
    let at = SystemTime::now().checked_add(age)?;
    (at <= UNIX_EPOCH + std::time::Duration::from_secs(LATEST)).then_some(at)
}

/// A calendar date.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Date {
    /// The year.
    pub year: i64,
    /// 1 to 12.
    pub month: u32,
    /// 1 to 31.
    pub day: u32,
}

/// Today's date in UTC.
pub fn today() -> Date {
    let (year, month, day, ..) = civil(SystemTime::now());
    Date { year, month, day }
}

/// UTC calendar fields of a time: (year, month, day, hour, minute, second).
pub fn civil(time: SystemTime) -> (i64, u32, u32, u32, u32, u32) {
    let secs = time.duration_since(UNIX_EPOCH).map_or(0, |d| d.as_secs()) as i64;
    let (days, rem) = (secs.div_euclid(86_400), secs.rem_euclid(86_400));
    // Howard Hinnant's days-to-civil.
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let year = yoe + era * 400 + i64::from(month <= 2);
    (
        year,
        month,
        day,
        (rem / 3600) as u32,
        (rem % 3600 / 60) as u32,
        (rem % 60) as u32,
    )
}
