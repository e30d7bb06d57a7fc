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

    /// Roles that read residents' (or volunteers') personal data: an API client holding one works
    /// only once a director approves it.
    pub const PERSONAL_DATA: [Role; 4] = [Role::Kipus, Role::Director, Role::Ous, Role::Osl];
}

/// Why roles and a provider id cannot make one caller.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RoleConflict {
    /// A provider's system is never also CUS staff or a municipal system: every other role is theirs.
    ProviderWithOtherRoles,
    ProviderWithoutId,
}

impl RoleConflict {
    /// The request field the conflict is about, for field errors.
    pub fn field(self) -> &'static str {
        match self {
            RoleConflict::ProviderWithOtherRoles => "roles",
            RoleConflict::ProviderWithoutId => "provider_id",
        }
    }

    pub fn code(self) -> &'static str {
        match self {
            RoleConflict::ProviderWithOtherRoles => "provider_combined",
            RoleConflict::ProviderWithoutId => "required",
        }
    }

    pub fn message(self) -> &'static str {
        match self {
            RoleConflict::ProviderWithOtherRoles => "the provider role is never combined with another role",
            RoleConflict::ProviderWithoutId => "the provider role needs a provider id",
        }
    }
}

/// The one rule on role sets, for tokens and API clients alike.
pub fn check_roles(roles: &[Role], provider_id: Option<Uuid>) -> Result<(), RoleConflict> {
    if !roles.contains(&Role::Provider) {
        return Ok(());
    }
    if roles.iter().any(|role| *role != Role::Provider) {
        return Err(RoleConflict::ProviderWithOtherRoles);
    }
    if provider_id.is_none() {
        return Err(RoleConflict::ProviderWithoutId);
    }
    Ok(())
}

/// The authenticated (or anonymous) caller of a request. Roles and provider are private, so that
/// every caller passes `Caller::new` and its rule: whoever holds the provider role is scoped to
/// its provider and holds no other role.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Caller {
    /// The token's `sub`; `anonymous` without a token.
    pub subject: String,
    /// The API client the token was issued to, for client tokens.
    pub client_id: Option<Uuid>,
    roles: Vec<Role>,
    /// The provider a `provider` caller acts for; never set without that role.
    provider_id: Option<Uuid>,
}

impl Caller {
    /// A caller with these roles; a provider id without the provider role is dropped (identity
    /// providers may send the claim to everyone).
    pub fn new(
        subject: String,
        client_id: Option<Uuid>,
        mut roles: Vec<Role>,
        provider_id: Option<Uuid>,
    ) -> Result<Caller, RoleConflict> {
        roles.dedup();
        check_roles(&roles, provider_id)?;
        let provider_id = provider_id.filter(|_| roles.contains(&Role::Provider));
        Ok(Caller { subject, client_id, roles, provider_id })
    }

    pub fn anonymous() -> Self {
        Caller { subject: "anonymous".to_owned(), client_id: None, roles: Vec::new(), provider_id: None }
    }

    pub fn is_anonymous(&self) -> bool {
        self.roles.is_empty() && self.client_id.is_none() && self.subject == "anonymous"
    }

    pub fn roles(&self) -> &[Role] {
        &self.roles
    }

    pub fn has_any(&self, roles: &[Role]) -> bool {
        self.roles.iter().any(|role| roles.contains(role))
    }

    /// The provider whose records alone this caller may reach: set whenever it holds the provider
    /// role, so that no operation reached through that role skips the ownership checks.
    pub fn provider_scope(&self) -> Option<Uuid> {
        self.provider_id.filter(|_| self.roles.contains(&Role::Provider))
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
