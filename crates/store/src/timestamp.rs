//! [`Timestamp`]: one Rust type for a moment in UTC that both backends store natively
//! enough to sort by. PostgreSQL keeps a `timestamptz`; SQLite has no time type, and
//! sqlx's own text for `OffsetDateTime` drops trailing zeros of the fraction (so text order
//! would not be time order), hence this type writes a fixed-width text there:
//! `2026-11-23T16:40:05.123456Z`. Microseconds are kept on both, so a value reads back
//! exactly as written and an export from one backend imports into the other unchanged.

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use sqlx::encode::IsNull;
use sqlx::error::BoxDynError;
use sqlx::postgres::{PgTypeInfo, PgValueRef};
use sqlx::sqlite::{SqliteArgumentValue, SqliteTypeInfo, SqliteValueRef};
use sqlx::{Decode, Encode, Postgres, Sqlite, Type};
use time::format_description::well_known::Rfc3339;
use time::format_description::BorrowedFormatItem;
use time::macros::format_description;
use time::{Date, OffsetDateTime, UtcOffset};

const TEXT: &[BorrowedFormatItem<'static>] =
    format_description!("[year]-[month]-[day]T[hour]:[minute]:[second].[subsecond digits:6]Z");

/// A moment in UTC, to the microsecond.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Timestamp(OffsetDateTime);

impl Timestamp {
    pub fn now() -> Timestamp {
        Timestamp::from(OffsetDateTime::now_utc())
    }

    /// The UTC calendar day (confirmations count once per client per day).
    pub fn day(&self) -> Date {
        self.0.date()
    }

    pub fn as_offset_date_time(&self) -> OffsetDateTime {
        self.0
    }

    /// RFC 3339 in UTC with six fraction digits, e.g. `2026-11-23T16:40:05.123456Z`.
    pub fn to_text(&self) -> String {
        self.0.format(TEXT).expect("a UTC time always formats")
    }

    /// Any RFC 3339 time; converted to UTC and cut to microseconds.
    pub fn parse(text: &str) -> Result<Timestamp, time::error::Parse> {
        OffsetDateTime::parse(text.trim(), &Rfc3339).map(Timestamp::from)
    }
}

impl From<OffsetDateTime> for Timestamp {
    fn from(t: OffsetDateTime) -> Self {
        let t = t.to_offset(UtcOffset::UTC);
        let micros = t.nanosecond() / 1_000 * 1_000;
        Timestamp(t.replace_nanosecond(micros).expect("under a second"))
    }
}

impl std::fmt::Display for Timestamp {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.to_text())
    }
}

impl Serialize for Timestamp {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.to_text())
    }
}

impl<'de> Deserialize<'de> for Timestamp {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let text = String::deserialize(d)?;
        Timestamp::parse(&text)
            .map_err(|e| serde::de::Error::custom(format!("`{text}` is not an RFC 3339 time: {e}")))
    }
}

impl Type<Sqlite> for Timestamp {
    fn type_info() -> SqliteTypeInfo {
        <String as Type<Sqlite>>::type_info()
    }

    fn compatible(ty: &SqliteTypeInfo) -> bool {
        <String as Type<Sqlite>>::compatible(ty)
    }
}

impl<'q> Encode<'q, Sqlite> for Timestamp {
    fn encode_by_ref(&self, buf: &mut Vec<SqliteArgumentValue<'q>>) -> Result<IsNull, BoxDynError> {
        Encode::<Sqlite>::encode(self.to_text(), buf)
    }
}

impl<'r> Decode<'r, Sqlite> for Timestamp {
    fn decode(value: SqliteValueRef<'r>) -> Result<Self, BoxDynError> {
        let text = <&str as Decode<Sqlite>>::decode(value)?;
        Ok(Timestamp::parse(text)?)
    }
}

impl Type<Postgres> for Timestamp {
    fn type_info() -> PgTypeInfo {
        <OffsetDateTime as Type<Postgres>>::type_info()
    }

    fn compatible(ty: &PgTypeInfo) -> bool {
        <OffsetDateTime as Type<Postgres>>::compatible(ty)
    }
}

impl<'q> Encode<'q, Postgres> for Timestamp {
    fn encode_by_ref(
        &self,
        buf: &mut sqlx::postgres::PgArgumentBuffer,
    ) -> Result<IsNull, BoxDynError> {
        <OffsetDateTime as Encode<Postgres>>::encode_by_ref(&self.0, buf)
    }
}

impl<'r> Decode<'r, Postgres> for Timestamp {
    fn decode(value: PgValueRef<'r>) -> Result<Self, BoxDynError> {
        <OffsetDateTime as Decode<Postgres>>::decode(value).map(Timestamp::from)
    }
}

/// `YYYY-MM-DD` for a [`Date`] in serde (the day of a confirmation).
pub mod day_text {
    time::serde::format_description!(pub format, Date, "[year]-[month]-[day]");
    pub use format::{deserialize, serialize};
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_is_fixed_width_so_that_text_order_is_time_order() {
        let a = Timestamp::parse("2026-01-02T03:04:05Z").unwrap();
        let b = Timestamp::parse("2026-01-02T03:04:05.5Z").unwrap();
        let c = Timestamp::parse("2026-01-02T05:04:06.123456789+02:00").unwrap();
        assert_eq!(a.to_text(), "2026-01-02T03:04:05.000000Z");
        assert_eq!(b.to_text(), "2026-01-02T03:04:05.500000Z");
        // Converted to UTC and cut to microseconds.
        assert_eq!(c.to_text(), "2026-01-02T03:04:06.123456Z");
        assert!(a.to_text() < b.to_text() && b.to_text() < c.to_text());
        assert!(a < b && b < c);
        assert_eq!(Timestamp::parse(&c.to_text()).unwrap(), c);
        assert!(Timestamp::parse("yesterday").is_err());
    }
}
