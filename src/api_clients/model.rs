//! API client storage: secrets exist only as argon2id hashes.

use std::sync::OnceLock;

use argon2::password_hash::rand_core::OsRng;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::Argon2;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use chrono::NaiveDateTime;
use diesel::prelude::*;
use uuid::Uuid;

use super::dto::{ApiClient, ApiClientQuery, ClientAction, ClientDraft, ClientStatus};
use crate::auth::caller::Role;
use crate::clock;
use crate::db::schema::{api_clients, providers};
use crate::db::{DbConnection, Id};
use crate::domain::lifecycle::Lifecycle;
use crate::error::{ApiError, ApiResult, FieldError};
use crate::http::pagination::Cursor;

#[derive(Debug, Clone, Queryable, Selectable, Insertable, AsChangeset)]
#[diesel(table_name = api_clients, treat_none_as_null = true, treat_none_as_default_value = false)]
pub struct ApiClientRow {
    pub id: Id,
    pub name: String,
    pub roles: String,
    pub provider_id: Option<Id>,
    pub secret_hash: String,
    pub status: ClientStatus,
    pub secret_rotated_at: NaiveDateTime,
    pub revoked_at: Option<NaiveDateTime>,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    pub version: i64,
    pub requested_by: Option<String>,
    pub approved_by: Option<String>,
    pub approved_at: Option<NaiveDateTime>,
}

const NOT_FOUND: ApiError = ApiError::NotFound { resource: "API client" };

impl ApiClientRow {
    pub fn roles(&self) -> Vec<Role> {
        serde_json::from_str::<Vec<String>>(&self.roles)
            .unwrap_or_default()
            .iter()
            .filter_map(|name| name.parse().ok())
            .collect()
    }

    pub fn is_active(&self) -> bool {
        self.status == ClientStatus::Active
    }

    pub fn to_dto(&self) -> ApiResult<ApiClient> {
        Ok(ApiClient {
            id: self.id.into(),
            name: self.name.clone(),
            roles: self.roles(),
            provider_id: self.provider_id.map(Uuid::from),
            status: self.status,
            secret_rotated_at: clock::utc(self.secret_rotated_at),
            revoked_at: self.revoked_at.map(clock::utc),
            requested_by: self.requested_by.clone(),
            approved_by: self.approved_by.clone(),
            approved_at: self.approved_at.map(clock::utc),
            created_at: clock::utc(self.created_at),
            updated_at: clock::utc(self.updated_at),
            version: self.version,
        })
    }
}

/// A new random secret and its hash.
fn new_secret() -> ApiResult<(String, String)> {
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes).map_err(|err| ApiError::internal(format!("no randomness: {err}")))?;
    let secret = format!("cus_{}", URL_SAFE_NO_PAD.encode(bytes));
    let salt = SaltString::generate(&mut OsRng);
    let hash = Argon2::default()
        .hash_password(secret.as_bytes(), &salt)
        .map_err(|err| ApiError::internal(format!("cannot hash a secret: {err}")))?
        .to_string();
    Ok((secret, hash))
}

/// A hash of a secret nobody knows, made with the parameters of real ones.
fn dummy_hash() -> ApiResult<&'static str> {
    static DUMMY: OnceLock<String> = OnceLock::new();
    if let Some(hash) = DUMMY.get() {
        return Ok(hash);
    }
    let (_, hash) = new_secret()?;
    Ok(DUMMY.get_or_init(|| hash))
}

/// Whether a secret matches the client's hash (constant-time inside argon2). Without a client
/// (unknown, pending or revoked) the secret is still checked, against a dummy hash, so that the
/// answer takes as long and does not tell which client ids exist.
pub fn secret_matches(client: Option<&ApiClientRow>, secret: &str) -> ApiResult<bool> {
    let stored = match client {
        Some(client) => client.secret_hash.as_str(),
        None => dummy_hash()?,
    };
    let matches =
        PasswordHash::new(stored).is_ok_and(|hash| Argon2::default().verify_password(secret.as_bytes(), &hash).is_ok());
    Ok(matches && client.is_some())
}

/// Who registers a client, which decides whether it waits for a director's approval.
#[derive(Debug, Clone, Copy)]
pub enum Registrar<'a> {
    /// An admin through the API (its subject): a client with a personal-data role is pending.
    Admin(&'a str),
    /// An operator at the server's command line (its subject), who holds the database anyway:
    /// the client is active at once, recorded as approved by the operator.
    Operator(&'a str),
}

/// Creates a client and returns it with its secret, which is not stored.
pub fn insert(
    conn: &mut DbConnection,
    id: Uuid,
    draft: ClientDraft,
    registrar: Registrar,
) -> ApiResult<(ApiClientRow, String)> {
    if let Some(provider) = draft.provider_id {
        let known: i64 = providers::table.filter(providers::id.eq(Id::from(provider))).count().get_result(conn)?;
        if known == 0 {
            return Err(ApiError::Validation(vec![FieldError::new(
                "provider_id",
                "unknown",
                "no provider has this id",
            )]));
        }
    }
    let (secret, secret_hash) = new_secret()?;
    let now = clock::now();
    let roles: Vec<&str> = draft.roles.iter().map(AsRef::as_ref).collect();
    let personal = draft.roles.iter().any(|role| Role::PERSONAL_DATA.contains(role));
    let (requested_by, status, approved_by) = match registrar {
        Registrar::Admin(subject) if personal => (subject, ClientStatus::Pending, None),
        Registrar::Admin(subject) => (subject, ClientStatus::Active, None),
        Registrar::Operator(subject) => (subject, ClientStatus::Active, Some(subject.to_owned())),
    };
    let row = ApiClientRow {
        id: id.into(),
        name: draft.name,
        roles: serde_json::to_string(&roles).unwrap_or_else(|_| "[]".to_owned()),
        provider_id: draft.provider_id.map(Id::from),
        secret_hash,
        status,
        secret_rotated_at: now,
        revoked_at: None,
        created_at: now,
        updated_at: now,
        version: 1,
        requested_by: Some(requested_by.to_owned()),
        approved_at: approved_by.as_ref().map(|_| now),
        approved_by,
    };
    diesel::insert_into(api_clients::table).values(&row).execute(conn)?;
    Ok((row, secret))
}

pub fn find(conn: &mut DbConnection, id: Uuid) -> ApiResult<ApiClientRow> {
    find_optional(conn, id)?.ok_or(NOT_FOUND)
}

pub fn find_optional(conn: &mut DbConnection, id: Uuid) -> ApiResult<Option<ApiClientRow>> {
    Ok(api_clients::table.find(Id::from(id)).select(ApiClientRow::as_select()).first(conn).optional()?)
}

/// Whether tokens of this client may still be used; `None` (a person's token) always may.
pub fn is_active(conn: &mut DbConnection, id: Option<Uuid>) -> ApiResult<bool> {
    let Some(id) = id else {
        return Ok(true);
    };
    let status: Option<ClientStatus> =
        api_clients::table.find(Id::from(id)).select(api_clients::status).first(conn).optional()?;
    Ok(status == Some(ClientStatus::Active))
}

fn save(conn: &mut DbConnection, row: ApiClientRow) -> ApiResult<ApiClientRow> {
    crate::save_versioned!(conn, api_clients, row, NOT_FOUND)
}

/// Moves the client along its lifecycle (409 when its status forbids the action).
fn transition(row: &mut ApiClientRow, action: ClientAction) -> ApiResult<()> {
    row.status = row.status.transition(action)?;
    Ok(())
}

/// Approves a pending client: by a director who did not request it (separation of duties).
pub fn approve(conn: &mut DbConnection, id: Uuid, approver: &str) -> ApiResult<ApiClientRow> {
    let mut row = find(conn, id)?;
    transition(&mut row, ClientAction::Approve)?;
    if row.requested_by.as_deref() == Some(approver) {
        return Err(ApiError::Forbidden("a client is never approved by whoever requested it".to_owned()));
    }
    row.approved_by = Some(approver.to_owned());
    row.approved_at = Some(clock::now());
    save(conn, row)
}

/// Replaces the secret; the old one stops working at once.
pub fn rotate_secret(conn: &mut DbConnection, id: Uuid) -> ApiResult<(ApiClientRow, String)> {
    let mut row = find(conn, id)?;
    transition(&mut row, ClientAction::RotateSecret)?;
    let (secret, secret_hash) = new_secret()?;
    row.secret_hash = secret_hash;
    row.secret_rotated_at = clock::now();
    Ok((save(conn, row)?, secret))
}

/// Revokes the client (or withdraws a pending one): no new tokens, and its existing tokens are
/// refused from now on.
pub fn revoke(conn: &mut DbConnection, id: Uuid) -> ApiResult<ApiClientRow> {
    let mut row = find(conn, id)?;
    transition(&mut row, ClientAction::Revoke)?;
    row.revoked_at = Some(clock::now());
    save(conn, row)
}

pub const SORT: &str = "id";

pub fn list(
    conn: &mut DbConnection,
    filter: &ApiClientQuery,
    cursor: Option<&Cursor>,
    limit: u32,
) -> ApiResult<Vec<ApiClientRow>> {
    let mut query = api_clients::table.select(ApiClientRow::as_select()).into_boxed();
    if let Some(status) = filter.status {
        query = query.filter(api_clients::status.eq(status));
    }
    if let Some(since) = filter.updated_since {
        query = query.filter(api_clients::updated_at.ge(since.naive_utc()));
    }
    if let Some(cursor) = cursor {
        query = query.filter(api_clients::id.gt(cursor.id.clone()));
    }
    Ok(query.order(api_clients::id.asc()).limit(i64::from(limit) + 1).load(conn)?)
}
