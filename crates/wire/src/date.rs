//! Rocket.Chat's timestamps.
//!
//! Over REST the server writes dates with `JSON.stringify`, i.e. ISO-8601 strings in UTC with
//! milliseconds (`"2018-09-14T17:36:48.276Z"`). Over DDP the same dates travel as EJSON
//! (`{"$date": 1536946608276}`). [`Timestamp`] reads both, and also a bare number of
//! milliseconds. It writes the ISO form, or EJSON inside [`with_ejson`].

use std::cell::Cell;
use std::fmt;

use serde::de::{self, MapAccess, Visitor};
use serde::ser::SerializeMap;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// Milliseconds since the Unix epoch, UTC.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Timestamp(pub i64);

thread_local! {
    static EJSON: Cell<bool> = const { Cell::new(false) };
}

/// Runs `f` with every [`Timestamp`] serialized as EJSON `{"$date": ms}`, the DDP form.
pub fn with_ejson<R>(f: impl FnOnce() -> R) -> R {
    struct Reset(bool);
    impl Drop for Reset {
        fn drop(&mut self) {
            EJSON.with(|e| e.set(self.0));
        }
    }
    let _reset = Reset(EJSON.with(|e| e.replace(true)));
    f()
}

impl Timestamp {
    /// Milliseconds since the Unix epoch.
    pub fn millis(self) -> i64 {
        self.0
    }

    /// Parses an ISO-8601 date-time: `YYYY-MM-DDTHH:MM[:SS[.fff…]]` followed by `Z` or an
    /// offset `±HH:MM`. A space may stand for the `T`. Returns `None` for anything else.
    pub fn parse_iso(s: &str) -> Option<Timestamp> {
        let b = s.as_bytes();
        let num = |from: usize, len: usize| -> Option<i64> {
            let part = b.get(from..from + len)?;
            part.iter().try_fold(0i64, |acc, &c| c.is_ascii_digit().then(|| acc * 10 + i64::from(c - b'0')))
        };
        let year = num(0, 4)?;
        if b.get(4) != Some(&b'-') || b.get(7) != Some(&b'-') {
            return None;
        }
        let month = num(5, 2)?;
        let day = num(8, 2)?;
        if !matches!(b.get(10), Some(b'T' | b't' | b' ')) || b.get(13) != Some(&b':') {
            return None;
        }
        let hour = num(11, 2)?;
        let minute = num(14, 2)?;
        let mut i = 16;
        let mut second = 0;
        let mut millis = 0;
        if b.get(i) == Some(&b':') {
            second = num(i + 1, 2)?;
            i += 3;
            if b.get(i) == Some(&b'.') {
                i += 1;
                let start = i;
                while b.get(i).is_some_and(u8::is_ascii_digit) {
                    i += 1;
                }
                if i == start {
                    return None;
                }
                // Keep milliseconds; finer digits are truncated.
                let digits = &b[start..i.min(start + 3)];
                millis = digits.iter().fold(0, |acc, &c| acc * 10 + i64::from(c - b'0'));
                millis *= 10i64.pow(3 - digits.len() as u32);
            }
        }
        let offset_minutes = match b.get(i) {
            Some(b'Z' | b'z') if i + 1 == b.len() => 0,
            Some(&sign @ (b'+' | b'-')) if i + 6 == b.len() && b[i + 3] == b':' => {
                let (hours, minutes) = (num(i + 1, 2)?, num(i + 4, 2)?);
                if hours > 23 || minutes > 59 {
                    return None;
                }
                let m = hours * 60 + minutes;
                if sign == b'+' { m } else { -m }
            }
            _ => return None,
        };
        if !(1..=12).contains(&month)
            || day < 1
            || day > days_in_month(year, month)
            || hour > 23
            || minute > 59
            || second > 60
        {
            return None;
        }
        let days = days_from_civil(year, month, day);
        let secs = days * 86_400 + hour * 3600 + minute * 60 + second - offset_minutes * 60;
        Some(Timestamp(secs * 1000 + millis))
    }

    /// The ISO-8601 form Rocket.Chat's REST API writes: `2018-09-14T17:36:48.276Z`.
    pub fn to_iso(self) -> String {
        self.to_string()
    }
}

impl fmt::Display for Timestamp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let ms = self.0.rem_euclid(1000);
        let secs = self.0.div_euclid(1000);
        let days = secs.div_euclid(86_400);
        let rem = secs.rem_euclid(86_400);
        let (y, m, d) = civil_from_days(days);
        write!(f, "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}.{ms:03}Z", rem / 3600, rem % 3600 / 60, rem % 60)
    }
}

fn is_leap(y: i64) -> bool {
    y % 4 == 0 && (y % 100 != 0 || y % 400 == 0)
}

fn days_in_month(y: i64, m: i64) -> i64 {
    match m {
        2 if is_leap(y) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

// Howard Hinnant's days_from_civil / civil_from_days algorithms.
fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

fn civil_from_days(z: i64) -> (i64, i64, i64) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    (yoe + era * 400 + i64::from(m <= 2), m, d)
}

impl Serialize for Timestamp {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        if EJSON.with(Cell::get) {
            let mut map = serializer.serialize_map(Some(1))?;
            map.serialize_entry("$date", &self.0)?;
            map.end()
        } else {
            serializer.collect_str(self)
        }
    }
}

impl<'de> Deserialize<'de> for Timestamp {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct TsVisitor;
        impl<'de> Visitor<'de> for TsVisitor {
            type Value = Timestamp;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("an ISO-8601 date string, {\"$date\": ms} or milliseconds")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Timestamp, E> {
                Timestamp::parse_iso(v).ok_or_else(|| E::invalid_value(de::Unexpected::Str(v), &self))
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<Timestamp, E> {
                Ok(Timestamp(v))
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<Timestamp, E> {
                i64::try_from(v).map(Timestamp).map_err(|_| E::invalid_value(de::Unexpected::Unsigned(v), &self))
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> Result<Timestamp, E> {
                if v.is_finite() && v.abs() < 9.0e15 {
                    Ok(Timestamp(v as i64))
                } else {
                    Err(E::invalid_value(de::Unexpected::Float(v), &self))
                }
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Timestamp, A::Error> {
                let mut found = None;
                while let Some(key) = map.next_key::<String>()? {
                    if key == "$date" {
                        found = Some(map.next_value::<Timestamp>()?);
                    } else {
                        map.next_value::<de::IgnoredAny>()?;
                    }
                }
                found.ok_or_else(|| de::Error::missing_field("$date"))
            }
        }
        deserializer.deserialize_any(TsVisitor)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn iso_round_trip() {
        let t = Timestamp::parse_iso("2018-09-14T17:36:48.276Z").unwrap();
        assert_eq!(t.0, 1_536_946_608_276);
        assert_eq!(t.to_iso(), "2018-09-14T17:36:48.276Z");
    }

    #[test]
    fn iso_variants() {
        let base = Timestamp::parse_iso("2024-02-29T23:59:59.000Z").unwrap();
        assert_eq!(Timestamp::parse_iso("2024-02-29T23:59:59Z"), Some(base));
        assert_eq!(Timestamp::parse_iso("2024-03-01T01:59:59+02:00"), Some(base));
        assert_eq!(Timestamp::parse_iso("2024-02-29T23:59:59.0004567Z"), Some(base));
        assert_eq!(Timestamp::parse_iso("1969-12-31T23:59:59.999Z"), Some(Timestamp(-1)));
        assert_eq!(Timestamp(-1).to_iso(), "1969-12-31T23:59:59.999Z");
        assert_eq!(Timestamp(0).to_iso(), "1970-01-01T00:00:00.000Z");
    }

    #[test]
    fn iso_rejects_garbage() {
        for bad in [
            "",
            "yesterday",
            "2023-02-29T00:00:00Z",
            "2024-13-01T00:00:00Z",
            "2024-01-01T24:00:00Z",
            "2024-01-01T00:00:00",
            "2024-01-01T00:00:00.Z",
            "2024-01-01T00:00:00Zjunk",
            "2024-01-01T00:00:00+99:99",
            "2024-01-01T00:00:00-24:00",
            "2024-01-01T00:00:00+01:60",
        ] {
            assert_eq!(Timestamp::parse_iso(bad), None, "{bad}");
        }
    }

    #[test]
    fn every_day_for_centuries_round_trips() {
        for day in (-200 * 365..200 * 365).step_by(7) {
            let t = Timestamp(day * 86_400_000 + 12_345);
            assert_eq!(Timestamp::parse_iso(&t.to_iso()), Some(t));
        }
    }
}
