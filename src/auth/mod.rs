//! Who is calling: token verification, roles, and the per-operation access rules.
//!
//! People arrive with JWTs of the municipality's identity provider; systems with tokens that
//! cus-api signs itself for registered API clients (`POST /api/v1/auth/token`). Both become a
//! `Caller`. Each operation declares who may call it in `access`, which the check and the OpenAPI
//! document both read.

pub mod access;
mod failures;
pub mod keys;
pub mod token;

use std::future::{ready, Ready};

use actix_web::dev::Payload;
use actix_web::http::header;
use actix_web::{web, FromRequest, HttpMessage, HttpRequest};
use uuid::Uuid;

use crate::app::AppState;
use crate::error::ApiError;
use crate::http::middleware::RequestId;

crate::text_enum! {
/// A role (see the domain description): `director` (dyrektor CUS), `ous` (organizator usług
/// społecznych), `kipus` (koordynator indywidualnych planów usług społecznych), `osl`
/// (organizator społeczności lokalnej), `provider` (staff of one provider, bound to its id),
/// `integrator` (a municipal system reading non-personal data), `auditor` (reads the audit log),
/// `admin` (manages accounts and API clients).
pub enum Role {
    Director,
    Ous,
    Kipus,
    Osl,
    Provider,
    Integrator,
    Auditor,
    Admin,
}
}

impl Role {
    pub const ALL: [Role; 8] = [
        Role::Director,
        Role::Ous,
        Role::Kipus,
        Role::Osl,
        Role::Provider,
        Role::Integrator,
        Role::Auditor,
        Role::Admin,
    ];
}

/// The authenticated (or anonymous) caller of a request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Caller {
    /// The token's `sub`; `anonymous` without a token.
    pub subject: String,
    /// The API client the token was issued to, for client tokens.
    pub client_id: Option<Uuid>,
    pub roles: Vec<Role>,
    /// The provider a `provider` caller acts for.
    pub provider_id: Option<Uuid>,
}

impl Caller {
    pub fn anonymous() -> Self {
        Caller { subject: "anonymous".to_owned(), client_id: None, roles: Vec::new(), provider_id: None }
    }

    pub fn is_anonymous(&self) -> bool {
        self.roles.is_empty() && self.client_id.is_none() && self.subject == "anonymous"
    }

    pub fn has_any(&self, roles: &[Role]) -> bool {
        self.roles.iter().any(|role| roles.contains(role))
    }

    /// The provider whose records alone this caller may reach, when it is a provider and nothing
    /// more; staff who also hold the provider role are not narrowed.
    pub fn provider_scope(&self) -> Option<Uuid> {
        let only_provider = self.roles.iter().all(|role| *role == Role::Provider);
        if only_provider {
            self.provider_id
        } else {
            None
        }
    }
}

/// A caller together with what the audit log records about the request.
#[derive(Debug, Clone)]
pub struct Actor {
    pub caller: Caller,
    pub request_id: Option<String>,
    pub source_address: Option<String>,
}

impl Actor {
    /// The audit context of a request.
    pub fn of(req: &HttpRequest, caller: Caller) -> Self {
        Actor {
            caller,
            request_id: req.extensions().get::<RequestId>().map(|id| id.0.clone()),
            // The peer address, not X-Forwarded-For, which any client can forge.
            source_address: req.peer_addr().map(|addr| addr.ip().to_string()),
        }
    }

    /// Scope of per-caller records such as idempotency keys.
    pub fn key_scope(&self) -> String {
        match self.caller.client_id {
            Some(client) => format!("client:{client}"),
            None => format!("subject:{}", self.caller.subject),
        }
    }
}

impl FromRequest for Caller {
    type Error = ApiError;
    type Future = Ready<Result<Caller, ApiError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let Some(value) = req.headers().get(header::AUTHORIZATION) else {
            return ready(Ok(Caller::anonymous()));
        };
        let result = (|| {
            let value = value
                .to_str()
                .map_err(|_| ApiError::Unauthorized("the Authorization header is not valid text".to_owned()))?;
            let token = value
                .strip_prefix("Bearer ")
                .or_else(|| value.strip_prefix("bearer "))
                .map(str::trim)
                .filter(|token| !token.is_empty())
                .ok_or_else(|| ApiError::Unauthorized("use Authorization: Bearer <token>".to_owned()))?;
            let state = req
                .app_data::<web::Data<AppState>>()
                .ok_or_else(|| ApiError::internal("application state is missing"))?;
            state.keys.verify(token)
        })();
        ready(result)
    }
}
