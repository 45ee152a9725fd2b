//! Django's `auth_user` table and the user read from it.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::db::AnyConnection;
use crate::error::{Error, ErrorKind};

diesel::table! {
    /// Django's `auth_user`.
    auth_user (id) {
        id -> Integer,
        password -> Text,
        last_login -> Nullable<Timestamp>,
        is_superuser -> Bool,
        username -> Text,
        first_name -> Text,
        last_name -> Text,
        email -> Text,
        is_staff -> Bool,
        is_active -> Bool,
        date_joined -> Timestamp,
    }
}

/// A user (Django's `django.contrib.auth.models.User`).
#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable)]
#[diesel(table_name = auth_user)]
pub struct User {
    /// The primary key.
    pub id: i32,
    /// The password's hash (`pbkdf2_sha256$…`), or `!…` when unusable.
    pub password: String,
    /// When the user last logged in.
    pub last_login: Option<NaiveDateTime>,
    /// Has every permission.
    pub is_superuser: bool,
    /// The login name: unique, at most 150 characters.
    pub username: String,
    /// The first name (may be empty).
    pub first_name: String,
    /// The last name (may be empty).
    pub last_name: String,
    /// The e-mail address (may be empty).
    pub email: String,
    /// May use the admin.
    pub is_staff: bool,
    /// May log in.
    pub is_active: bool,
    /// When the account was made.
    pub date_joined: NaiveDateTime,
}

impl User {
    /// Always true for a user (an anonymous visitor is not a `User`).
    pub fn is_authenticated(&self) -> bool {
        true
    }

    /// "First Last", trimmed (Django's `get_full_name`).
    pub fn full_name(&self) -> String {
        format!("{} {}", self.first_name, self.last_name)
            .trim()
            .to_string()
    }

    /// Django's `get_session_auth_hash`: an HMAC of the password hash, so that a session
    /// ends when the password changes.
    pub fn session_auth_hash(&self, secret_key: &str) -> String {
        let tag = crate::signing::salted_hmac(
            "django.contrib.auth.models.AbstractBaseUser.get_session_auth_hash",
            self.password.as_bytes(),
            secret_key,
        );
        tag.as_ref().iter().map(|b| format!("{b:02x}")).collect()
    }
}

fn db_error(e: diesel::result::Error) -> Error {
    Error::new(ErrorKind::Internal, format!("auth_user: {e}"))
}

fn now() -> NaiveDateTime {
    chrono::Utc::now().naive_utc()
}

/// The user called `username`, if any.
pub fn by_username(conn: &mut AnyConnection, username: &str) -> Result<Option<User>, Error> {
    let mut found: Vec<User> = auth_user::table
        .filter(auth_user::username.eq(username))
        .select(User::as_select())
        .load(conn)
        .map_err(db_error)?;
    Ok(found.pop())
}

/// The user with this id, if any.
pub fn by_id(conn: &mut AnyConnection, id: i32) -> Result<Option<User>, Error> {
    let mut found: Vec<User> = auth_user::table
        .find(id)
        .select(User::as_select())
        .load(conn)
        .map_err(db_error)?;
    Ok(found.pop())
}

/// What a new user is made with.
#[derive(Debug, Clone, Default)]
pub struct NewUser<'a> {
    /// The login name.
    pub username: &'a str,
    /// The password, in clear (hashed here); `None` for an unusable one.
    pub password: Option<&'a str>,
    /// The e-mail address.
    pub email: &'a str,
    /// The first name.
    pub first_name: &'a str,
    /// The last name.
    pub last_name: &'a str,
    /// Staff and superuser (`create_superuser`).
    pub superuser: bool,
}

/// Django's `create_user`/`create_superuser`: the password hashed, the user active.
pub fn create_user(conn: &mut AnyConnection, new: &NewUser<'_>) -> Result<User, Error> {
    let username = new.username.trim();
    if username.is_empty() {
        return Err(Error::new(
            ErrorKind::BadRequest,
            "The given username must be set",
        ));
    }
    let password = match new.password {
        Some(p) => super::hashers::make_password(p),
        None => super::hashers::make_unusable_password(),
    };
    diesel::insert_into(auth_user::table)
        .values((
            auth_user::password.eq(&password),
            auth_user::last_login.eq(None::<NaiveDateTime>),
            auth_user::is_superuser.eq(new.superuser),
            auth_user::username.eq(username),
            auth_user::first_name.eq(new.first_name),
            auth_user::last_name.eq(new.last_name),
            auth_user::email.eq(normalize_email(new.email)),
            auth_user::is_staff.eq(new.superuser),
            auth_user::is_active.eq(true),
            auth_user::date_joined.eq(now()),
        ))
        .execute(conn)
        .map_err(|e| match e {
            diesel::result::Error::DatabaseError(
                diesel::result::DatabaseErrorKind::UniqueViolation,
                _,
            ) => Error::new(
                ErrorKind::BadRequest,
                "A user with that username already exists.",
            ),
            other => db_error(other),
        })?;
    by_username(conn, username)?
        .ok_or_else(|| Error::new(ErrorKind::Internal, "the new user was not saved"))
}

/// Django's `normalize_email`: the domain part lower-cased.
pub fn normalize_email(email: &str) -> String {
    match email.trim().rsplit_once('@') {
        Some((local, domain)) => format!("{local}@{}", domain.to_lowercase()),
        None => email.trim().to_string(),
    }
}

/// Stores a new password hash for `user`.
pub fn set_password_hash(conn: &mut AnyConnection, id: i32, hash: &str) -> Result<(), Error> {
    diesel::update(auth_user::table.find(id))
        .set(auth_user::password.eq(hash))
        .execute(conn)
        .map_err(db_error)?;
    Ok(())
}

/// Records a login (Django's `update_last_login`).
pub fn touch_last_login(conn: &mut AnyConnection, id: i32) -> Result<(), Error> {
    diesel::update(auth_user::table.find(id))
        .set(auth_user::last_login.eq(Some(now())))
        .execute(conn)
        .map_err(db_error)?;
    Ok(())
}
