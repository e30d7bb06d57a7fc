//! `Idempotency-Key` on POST: the same caller retrying with the same key gets the first response
//! again, without the work being done twice.
//!
//! The key and the response are stored in the transaction of the work itself, so they survive
//! restarts and hold across replicas. A request racing another with the same key either waits for
//! the write lock (SQLite) or hits the primary key when it commits (PostgreSQL), rolls back, and then
//! replays the winner's response: never a duplicate.

use actix_web::http::header::{HeaderName, HeaderValue};
use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse};
use chrono::{Duration, NaiveDateTime};
use diesel::prelude::*;
use serde::Serialize;

use crate::audit::{self, Event};
use crate::auth::Actor;
use crate::db::schema::idempotency_keys;
use crate::db::{self, DbConnection, DbPool};
use crate::error::{ApiError, ApiResult};
use crate::http::extract::{hex_sha256, IdempotencyKey};

/// How long a key is remembered.
const KEY_LIFETIME_HOURS: i64 = 24;
/// Tells a client that the response is a replay of an earlier one.
const REPLAYED_HEADER: &str = "idempotent-replayed";

/// A response that can be stored and sent again verbatim.
#[derive(Debug, Clone)]
pub struct StoredResponse {
    pub status: StatusCode,
    pub headers: Vec<(String, String)>,
    pub body: String,
}

impl StoredResponse {
    pub fn json<T: Serialize>(status: StatusCode, body: &T) -> ApiResult<Self> {
        let body = serde_json::to_string(body)
            .map_err(|err| ApiError::internal(format!("cannot serialise response: {err}")))?;
        Ok(StoredResponse { status, headers: Vec::new(), body })
    }

    pub fn header(mut self, name: &str, value: impl Into<String>) -> Self {
        self.headers.push((name.to_owned(), value.into()));
        self
    }

    fn into_response(self, replayed: bool) -> HttpResponse {
        let mut response = HttpResponse::build(self.status);
        response.content_type("application/json");
        for (name, value) in &self.headers {
            if let (Ok(name), Ok(value)) = (HeaderName::try_from(name.as_str()), HeaderValue::from_str(value)) {
                response.insert_header((name, value));
            }
        }
        if replayed {
            response.insert_header((REPLAYED_HEADER, "true"));
        }
        response.body(self.body)
    }
}

#[derive(Queryable, Selectable)]
#[diesel(table_name = idempotency_keys)]
struct StoredKey {
    request_fingerprint: String,
    response_status: i32,
    response_headers: String,
    response_body: String,
}

impl StoredKey {
    fn replay(self, fingerprint: &str) -> ApiResult<StoredResponse> {
        if self.request_fingerprint != fingerprint {
            return Err(ApiError::IdempotencyKeyReused);
        }
        let status = u16::try_from(self.response_status)
            .ok()
            .and_then(|code| StatusCode::from_u16(code).ok())
            .ok_or_else(|| ApiError::internal("stored idempotent response has an invalid status"))?;
        let headers = serde_json::from_str(&self.response_headers)
            .map_err(|err| ApiError::internal(format!("stored idempotent headers unreadable: {err}")))?;
        Ok(StoredResponse { status, headers, body: self.response_body })
    }
}

/// Runs a POST's `work` in one write transaction with its audit event, at most once per caller
/// and key.
///
/// `body_fingerprint` identifies the request body (empty for bodiless actions); together with
/// the method and path it decides whether a reused key is a retry (replay) or a mistake (422).
/// A replay does the work no second time and writes no second audit event.
pub async fn run_once<F>(
    req: &HttpRequest,
    pool: &DbPool,
    actor: &Actor,
    event: Event,
    key: IdempotencyKey,
    body_fingerprint: &str,
    work: F,
) -> ApiResult<HttpResponse>
where
    F: FnOnce(&mut DbConnection) -> ApiResult<StoredResponse> + Send + 'static,
{
    let actor = actor.clone();
    let Some(key) = key.0 else {
        let response = db::run(pool, move |conn| audit::audited(conn, &actor, event, work)).await?;
        return Ok(response.into_response(false));
    };
    let fingerprint = hex_sha256(format!("{} {}\n{body_fingerprint}", req.method(), req.path()).as_bytes());
    let scope = actor.key_scope();
    let (response, replayed) = db::run(pool, move |conn| {
        let outcome = conn.write_transaction(|conn| {
            let key_use = find_use(conn, &scope, &key)?;
            if let KeyUse::Live(stored) = key_use {
                return stored.replay(&fingerprint).map(|response| (response, true));
            }
            let response = work(conn)?;
            if let KeyUse::Expired = key_use {
                forget(conn, &scope, &key)?;
            }
            remember(conn, &scope, &key, &fingerprint, &response)?;
            audit::record(conn, &actor, &event)?;
            Ok((response, false))
        });
        let Err(err) = outcome else {
            return outcome;
        };
        // A concurrent request with the same key may have committed first: replay its answer.
        if let Ok(KeyUse::Live(stored)) = find_use(conn, &scope, &key) {
            return stored.replay(&fingerprint).map(|response| (response, true));
        }
        audit::record_failure(conn, &actor, event, &err);
        Err(err)
    })
    .await?;
    Ok(response.into_response(replayed))
}

fn cutoff() -> NaiveDateTime {
    crate::clock::now() - Duration::hours(KEY_LIFETIME_HOURS)
}

/// The key's stored use, if any; `Expired` when it is older than the key lifetime.
enum KeyUse {
    Unused,
    Expired,
    Live(StoredKey),
}

fn find_use(conn: &mut DbConnection, caller: &str, key: &str) -> ApiResult<KeyUse> {
    let stored: Option<(StoredKey, NaiveDateTime)> = idempotency_keys::table
        .filter(idempotency_keys::caller.eq(caller))
        .filter(idempotency_keys::idempotency_key.eq(key))
        .select((StoredKey::as_select(), idempotency_keys::created_at))
        .first(conn)
        .optional()?;
    Ok(match stored {
        None => KeyUse::Unused,
        Some((_, created_at)) if created_at <= cutoff() => KeyUse::Expired,
        Some((stored, _)) => KeyUse::Live(stored),
    })
}

/// Deletes an expired use of the key, so that the key can start afresh.
fn forget(conn: &mut DbConnection, caller: &str, key: &str) -> ApiResult<()> {
    diesel::delete(
        idempotency_keys::table
            .filter(idempotency_keys::caller.eq(caller))
            .filter(idempotency_keys::idempotency_key.eq(key)),
    )
    .execute(conn)?;
    Ok(())
}

fn remember(
    conn: &mut DbConnection,
    caller: &str,
    key: &str,
    fingerprint: &str,
    response: &StoredResponse,
) -> ApiResult<()> {
    let headers = serde_json::to_string(&response.headers).unwrap_or_else(|_| "[]".to_owned());
    diesel::insert_into(idempotency_keys::table)
        .values((
            idempotency_keys::caller.eq(caller),
            idempotency_keys::idempotency_key.eq(key),
            idempotency_keys::request_fingerprint.eq(fingerprint),
            idempotency_keys::response_status.eq(i32::from(response.status.as_u16())),
            idempotency_keys::response_headers.eq(headers),
            idempotency_keys::response_body.eq(&response.body),
            idempotency_keys::created_at.eq(crate::clock::now()),
        ))
        .execute(conn)?;
    Ok(())
}
