//! `POST /api/v1/auth/token`: the OAuth 2.0 client-credentials grant for API clients.

use actix_web::http::header;
use actix_web::web::Bytes;
use actix_web::{post, web, HttpRequest, HttpResponse};
use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

use super::caller::{Actor, Caller};
use super::{access, failures};
use crate::api_clients::model::{self, ApiClientRow};
use crate::app::AppState;
use crate::audit::event::{Event, Outcome};
use crate::audit::model::record;
use crate::db;
use crate::error::{ApiError, ApiResult, FieldError, Problem};
use crate::http::extract::{parse_json, without_value};
use crate::http::responses::DatabaseErrors;

/// Client credentials, as a form (`application/x-www-form-urlencoded`, OAuth 2.0) or as JSON. The
/// id and secret may instead come in an HTTP Basic `Authorization` header.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[schema(example = json!({"grant_type": "client_credentials", "client_id": "0193a5f2-0000-7000-8000-000000000001", "client_secret": "cus_3q2-7wX0pYc1Qm4N0b8kUu3vHc5s9Ea2GkVtZr6JfLo"}))]
pub struct TokenRequest {
    /// `client_credentials` (the default).
    pub grant_type: Option<String>,
    pub client_id: Option<String>,
    pub client_secret: Option<String>,
}

/// An access token (RFC 6749 section 5.1).
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({"access_token": "eyJhbGciOiJIUzI1NiIsImtpZCI6ImN1cy0xIn0.eyJzdWIiOiJjbGllbnQ6...", "token_type": "Bearer", "expires_in": 900}))]
pub struct TokenResponse {
    pub access_token: String,
    /// Always `Bearer`.
    pub token_type: &'static str,
    /// Seconds until the token expires.
    pub expires_in: u64,
}

fn invalid_client() -> ApiError {
    ApiError::Unauthorized("invalid client credentials".to_owned())
}

/// Reads the credentials from the body (form or JSON) and the Basic header.
fn credentials(req: &HttpRequest, body: &Bytes) -> ApiResult<(Uuid, String)> {
    let content_type = req.headers().get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).unwrap_or_default();
    let mut request: TokenRequest = if body.is_empty() {
        TokenRequest::default()
    } else if content_type.starts_with("application/x-www-form-urlencoded") {
        serde_urlencoded::from_bytes(body).map_err(|err| {
            ApiError::bad_request(format!("the form is invalid: {}", without_value(&err.to_string())), Vec::new())
        })?
    } else if content_type.starts_with("application/json") {
        parse_json(body)?
    } else {
        return Err(ApiError::UnsupportedMediaType {
            detail: "send application/x-www-form-urlencoded (OAuth 2.0) or application/json".to_owned(),
        });
    };
    if let Some((id, secret)) = basic_credentials(req) {
        request.client_id.get_or_insert(id);
        request.client_secret.get_or_insert(secret);
    }
    let grant = request.grant_type.as_deref().unwrap_or("client_credentials");
    if grant != "client_credentials" {
        return Err(ApiError::bad_request(
            "unsupported grant type",
            vec![FieldError::new("grant_type", "unsupported_grant_type", "only client_credentials is supported")],
        ));
    }
    let mut missing = Vec::new();
    for (field, value) in [("client_id", &request.client_id), ("client_secret", &request.client_secret)] {
        if value.as_deref().is_none_or(str::is_empty) {
            missing.push(FieldError::new(field, "required", format!("{field} is required")));
        }
    }
    if !missing.is_empty() {
        return Err(ApiError::bad_request("client credentials are missing", missing));
    }
    let id = request.client_id.unwrap_or_default().parse::<Uuid>().map_err(|_| invalid_client())?;
    Ok((id, request.client_secret.unwrap_or_default()))
}

fn basic_credentials(req: &HttpRequest) -> Option<(String, String)> {
    let value = req.headers().get(header::AUTHORIZATION)?.to_str().ok()?;
    let encoded = value.strip_prefix("Basic ")?;
    let decoded = String::from_utf8(STANDARD.decode(encoded.trim()).ok()?).ok()?;
    let (id, secret) = decoded.split_once(':')?;
    Some((id.to_owned(), secret.to_owned()))
}

/// Get an access token
///
/// The OAuth 2.0 client-credentials grant: an API client exchanges its id and secret for a
/// short-lived bearer token carrying its roles (and provider). Repeated failures for one client
/// or from one address are refused with 429 for a while.
#[utoipa::path(
    tag = "auth",
    request_body(content = TokenRequest, content_type = "application/x-www-form-urlencoded"),
    responses(
        (status = 200, description = "A token", body = TokenResponse),
        DatabaseErrors,
        (status = 400, description = "Missing credentials or an unsupported grant type", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "Unknown client, wrong secret or revoked client", body = Problem, content_type = "application/problem+json"),
        (status = 408, description = "Body not received within the configured time (`REQUEST_BODY_TIMEOUT_SECONDS`)", body = Problem, content_type = "application/problem+json"),
        (status = 413, description = "Body larger than the configured limit", body = Problem, content_type = "application/problem+json"),
        (status = 415, description = "Neither a form nor JSON", body = Problem, content_type = "application/problem+json"),
        (status = 429, description = "Too many failed attempts for this client or address", body = Problem, content_type = "application/problem+json",
            headers(("Retry-After" = u64, description = "Seconds to wait")))
    )
)]
#[post("/auth/token")]
pub async fn issue_token(req: HttpRequest, state: web::Data<AppState>, body: Bytes) -> ApiResult<HttpResponse> {
    let (client_id, secret) = credentials(&req, &body)?;
    let mut actor = Actor::of(&req, Caller::anonymous());
    actor.caller.subject = format!("client:{client_id}");
    let client_scope = format!("client:{client_id}");
    let scopes = vec![client_scope.clone(), format!("address:{}", actor.source_address.clone().unwrap_or_default())];
    let settings = state.auth.clone();
    let state_for_work = state.clone();
    let token = db::run(&state.pool, move |conn| {
        let counts = failures::count_recent(conn, &scopes, settings.failure_window)?;
        if counts.iter().any(|(_, count)| *count >= i64::from(settings.max_failures)) {
            return Err(ApiError::TooManyRequests { retry_after_seconds: settings.failure_window.as_secs() });
        }
        let event = Event::new(access::ISSUE_TOKEN.operation, "api_client", Some(client_id.to_string()));
        let client = model::find_optional(conn, client_id)?.filter(ApiClientRow::is_active);
        let verified = model::secret_matches(client.as_ref(), &secret)?;
        let Some(client) = client.filter(|_| verified) else {
            let err = invalid_client();
            let denied = event.failed_with(Outcome::Denied, &err);
            conn.write_transaction(|conn| {
                failures::record(conn, &scopes, settings.failure_window)?;
                record(conn, &actor, &denied)
            })?;
            return Err(err);
        };
        // A client registered before the provider role became exclusive gets no token.
        let caller = match Caller::new(
            actor.caller.subject.clone(),
            Some(client_id),
            client.roles(),
            client.provider_id.map(Uuid::from),
        ) {
            Ok(caller) => caller,
            Err(conflict) => {
                let err = ApiError::Unauthorized(format!("the client's roles cannot be used: {}", conflict.message()));
                let denied = event.failed_with(Outcome::Denied, &err);
                conn.write_transaction(|conn| record(conn, &actor, &denied))?;
                return Err(err);
            }
        };
        actor.caller = caller;
        let token = state_for_work.keys.issue(
            &actor.caller.subject,
            Some(client_id),
            actor.caller.roles(),
            actor.caller.provider_scope(),
            settings.token_ttl,
        )?;
        conn.write_transaction(|conn| {
            failures::clear(conn, &client_scope)?;
            record(conn, &actor, &event)
        })?;
        Ok(token)
    })
    .await?;
    Ok(HttpResponse::Ok().insert_header((header::CACHE_CONTROL, "no-store")).json(TokenResponse {
        access_token: token,
        token_type: "Bearer",
        expires_in: state.auth.token_ttl.as_secs(),
    }))
}
