//! API client storage: secrets exist only as argon2id hashes.

use argon2::password_hash::rand_core::OsRng;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::Argon2;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use chrono::NaiveDateTime;
use diesel::prelude::*;
use uuid::Uuid;

use super::dto::{ApiClient, ApiClientQuery, ClientDraft, ClientStatus};
use crate::auth::Role;
use crate::clock;
use crate::db::schema::api_clients;
use crate::db::DbConnection;
use crate::error::{ApiError, ApiResult};
use crate::http::pagination::Cursor;

#[derive(Debug, Clone, Queryable, Selectable, Insertable, AsChangeset)]
#[diesel(table_name = api_clients, treat_none_as_null = true, treat_none_as_default_value = false)]
pub struct ApiClientRow {
    pub id: String,
    pub name: String,
    pub roles: String,
    pub provider_id: Option<String>,
    pub secret_hash: String,
    pub status: String,
    pub secret_rotated_at: NaiveDateTime,
    pub revoked_at: Option<NaiveDateTime>,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    pub version: i64,
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

    pub fn uuid(&self) -> ApiResult<Uuid> {
        self.id.parse().map_err(|_| ApiError::internal("stored client id is not a UUID"))
    }

    pub fn provider_uuid(&self) -> Option<Uuid> {
        self.provider_id.as_deref().and_then(|id| id.parse().ok())
    }

    pub fn is_active(&self) -> bool {
        self.status == ClientStatus::Active.as_ref()
    }

    pub fn to_dto(&self) -> ApiResult<ApiClient> {
        Ok(ApiClient {
            id: self.uuid()?,
            name: self.name.clone(),
            roles: self.roles(),
            provider_id: self.provider_uuid(),
            status: self.status.parse().map_err(|_| ApiError::internal("stored client status is unknown"))?,
            secret_rotated_at: clock::utc(self.secret_rotated_at),
            revoked_at: self.revoked_at.map(clock::utc),
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

/// Whether a secret matches a stored hash (constant-time inside argon2).
pub fn secret_matches(row: &ApiClientRow, secret: &str) -> bool {
    PasswordHash::new(&row.secret_hash)
        .is_ok_and(|hash| Argon2::default().verify_password(secret.as_bytes(), &hash).is_ok())
}

/// Creates a client and returns it with its secret, which is not stored.
pub fn insert(conn: &mut DbConnection, id: Uuid, draft: ClientDraft) -> ApiResult<(ApiClientRow, String)> {
    let (secret, secret_hash) = new_secret()?;
    let now = clock::now();
    let roles: Vec<&str> = draft.roles.iter().map(AsRef::as_ref).collect();
    let row = ApiClientRow {
        id: id.to_string(),
        name: draft.name,
        roles: serde_json::to_string(&roles).unwrap_or_else(|_| "[]".to_owned()),
        provider_id: draft.provider_id.map(|id| id.to_string()),
        secret_hash,
        status: ClientStatus::Active.as_ref().to_owned(),
        secret_rotated_at: now,
        revoked_at: None,
        created_at: now,
        updated_at: now,
        version: 1,
    };
    diesel::insert_into(api_clients::table).values(&row).execute(conn)?;
    Ok((row, secret))
}

pub fn find(conn: &mut DbConnection, id: Uuid) -> ApiResult<ApiClientRow> {
    find_optional(conn, id)?.ok_or(NOT_FOUND)
}

pub fn find_optional(conn: &mut DbConnection, id: Uuid) -> ApiResult<Option<ApiClientRow>> {
    Ok(api_clients::table.find(id.to_string()).select(ApiClientRow::as_select()).first(conn).optional()?)
}

/// Whether tokens of this client may still be used; `None` (a person's token) always may.
pub fn is_active(conn: &mut DbConnection, id: Option<Uuid>) -> ApiResult<bool> {
    let Some(id) = id else {
        return Ok(true);
    };
    let status: Option<String> =
        api_clients::table.find(id.to_string()).select(api_clients::status).first(conn).optional()?;
    Ok(status.as_deref() == Some(ClientStatus::Active.as_ref()))
}

fn save(conn: &mut DbConnection, row: ApiClientRow) -> ApiResult<ApiClientRow> {
    crate::save_versioned!(conn, api_clients, row, NOT_FOUND)
}

fn revoked_conflict(row: &ApiClientRow) -> ApiError {
    crate::domain::lifecycle::forbidden_transition(&row.status, "any action", Vec::new())
}

/// Replaces the secret; the old one stops working at once.
pub fn rotate_secret(conn: &mut DbConnection, id: Uuid) -> ApiResult<(ApiClientRow, String)> {
    let mut row = find(conn, id)?;
    if !row.is_active() {
        return Err(revoked_conflict(&row));
    }
    let (secret, secret_hash) = new_secret()?;
    row.secret_hash = secret_hash;
    row.secret_rotated_at = clock::now();
    Ok((save(conn, row)?, secret))
}

/// Revokes the client: no new tokens, and its existing tokens are refused from now on.
pub fn revoke(conn: &mut DbConnection, id: Uuid) -> ApiResult<ApiClientRow> {
    let mut row = find(conn, id)?;
    if !row.is_active() {
        return Err(revoked_conflict(&row));
    }
    row.status = ClientStatus::Revoked.as_ref().to_owned();
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
        query = query.filter(api_clients::status.eq(status.as_ref().to_owned()));
    }
    if let Some(since) = filter.updated_since {
        query = query.filter(api_clients::updated_at.ge(since.naive_utc()));
    }
    if let Some(cursor) = cursor {
        query = query.filter(api_clients::id.gt(cursor.id.clone()));
    }
    Ok(query.order(api_clients::id.asc()).limit(i64::from(limit) + 1).load(conn)?)
}
