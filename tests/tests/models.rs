//! Every field type `#[derive(Model)]` knows, through its table on SQLite and on PostgreSQL:
//! the table made from `Model::state()` by the schema editor, then a row inserted, read,
//! saved, listed and deleted with the calls the derive writes.

use diesel::connection::SimpleConnection;
use manouche::Model;
use manouche::db::autodetector::Operation;
use manouche::db::models::Model as _;
use manouche::db::schema_editor::script;
use manouche::db::{Backend, Database};
use manouche_tests::support::{PgDatabase, fresh_sqlite_url};

/// One column of each kind.
#[derive(Debug, Clone, PartialEq, Model)]
#[model(app = "kinds")]
pub struct Sample {
    /// The key.
    pub id: i64,
    /// A CharField, unique.
    #[field(max_length = 20, unique)]
    pub code: String,
    /// A nullable TextField.
    pub note: Option<String>,
    /// SmallIntegerField.
    pub small: i16,
    /// IntegerField.
    pub count: i32,
    /// BigIntegerField.
    pub big: i64,
    /// FloatField.
    pub ratio: f64,
    /// BooleanField.
    pub flag: bool,
    /// DateField.
    pub day: chrono::NaiveDate,
    /// DateTimeField.
    pub at: chrono::NaiveDateTime,
    /// A nullable DateField.
    pub maybe_day: Option<chrono::NaiveDate>,
}

fn new_sample(code: &str) -> NewSample {
    NewSample {
        code: code.into(),
        note: Some("it's \"quoted\"".into()),
        small: -7,
        count: 1_000_000,
        big: 9_000_000_000_000,
        ratio: 0.25,
        flag: true,
        day: chrono::NaiveDate::from_ymd_opt(2026, 12, 3).unwrap(),
        at: chrono::NaiveDate::from_ymd_opt(2026, 12, 3)
            .unwrap()
            .and_hms_opt(17, 30, 5)
            .unwrap(),
        maybe_day: None,
    }
}

fn round_trip(url: &str, backend: Backend) {
    let db = Database::open(url, std::path::Path::new(".")).unwrap();
    assert_eq!(db.backend(), backend);
    let mut conn = db.connection().unwrap();
    let c = &mut *conn;
    let sql = script(&[], &[Operation::CreateModel(Sample::state())], backend);
    c.batch_execute(&sql.up).unwrap();
    assert_eq!(Sample::TABLE, "kinds_sample");

    let first = new_sample("a").insert(c).unwrap();
    assert!(first.id > 0, "{url}");
    let read = Sample::get(c, first.id).unwrap();
    assert_eq!(read, first, "{url}");
    assert_eq!(read.note.as_deref(), Some("it's \"quoted\""));
    assert_eq!(read.big, 9_000_000_000_000);

    let mut changed = read.clone();
    changed.note = None;
    changed.maybe_day = chrono::NaiveDate::from_ymd_opt(2027, 1, 1);
    changed.flag = false;
    changed.save(c).unwrap();
    assert_eq!(Sample::get(c, first.id).unwrap(), changed, "{url}");

    let second = new_sample("b").insert(c).unwrap();
    let all = Sample::all(c).unwrap();
    assert_eq!(all, vec![changed.clone(), second.clone()], "{url}");
    // The unique code is the database's to enforce.
    let taken = new_sample("a").insert(c).unwrap_err();
    assert!(
        matches!(
            taken,
            diesel::result::Error::DatabaseError(
                diesel::result::DatabaseErrorKind::UniqueViolation,
                _
            )
        ),
        "{url}: {taken:?}"
    );
    second.delete(c).unwrap();
    assert!(matches!(
        Sample::get(c, second.id),
        Err(diesel::result::Error::NotFound)
    ));
    c.batch_execute(&sql.down).unwrap();
}

#[test]
fn every_field_kind_round_trips_on_sqlite() {
    round_trip(&fresh_sqlite_url(), Backend::Sqlite);
}

#[test]
fn every_field_kind_round_trips_on_postgresql() {
    let pg = PgDatabase::create();
    round_trip(&pg.url, Backend::Postgres);
}
