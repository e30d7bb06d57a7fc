//! Who is calling: token verification, roles, and the per-operation access rules.
//!
//! People arrive with JWTs of the municipality's identity provider; systems with tokens that
//! cus-api signs itself for registered API clients (`POST /api/v1/auth/token`). Both become a
//! `Caller`. Each operation declares who may call it in `access`, which the check and the OpenAPI
//! document both read.

pub mod access;
pub mod caller;
mod failures;
pub mod keys;
pub mod token;

use std::future::{ready, Ready};

use actix_web::dev::Payload;
use actix_web::http::header;
use actix_web::{web, FromRequest, HttpMessage, HttpRequest};

pub use caller::{check_roles, Actor, Caller, Role, RoleConflict};

use crate::app::AppState;
use crate::error::ApiError;
use crate::http::middleware::RequestId;

/// Built here, above `caller`, because the request id comes from the middleware, which sits above
/// the audit log that records actors.
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
