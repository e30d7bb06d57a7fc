//! CORS for front ends that run in browsers on other origins, done by `actix-cors` under two
//! policies chosen by the request's `Origin`:
//! - **open**: any origin may read without a token (`Access-Control-Allow-Origin: *`, as an open
//!   data feed must allow); its preflights admit only reads and the caching headers;
//! - **trusted**: the origins in `CUS_CORS_ORIGINS` (exact match) may also call with a token and
//!   write, with the conventions' request headers, and read the headers the conventions set.
//!
//! A call with a token from any other origin gets no CORS headers at all, so the browser withholds
//! the answer. Every preflight is answered 204 (a refused one without CORS headers), never a 405
//! or an error body a browser would not show anyway.

use std::collections::HashSet;
use std::rc::Rc;

use actix_cors::{Cors, CorsMiddleware};
use actix_web::body::{BoxBody, EitherBody, MessageBody};
use actix_web::dev::{forward_ready, Service, ServiceRequest, ServiceResponse, Transform};
use actix_web::http::header::{self, HeaderName, HeaderValue};
use actix_web::http::{Method, StatusCode};
use actix_web::{Error, HttpResponse};
use futures_util::future::LocalBoxFuture;

use crate::http::middleware::REQUEST_ID;

/// How long a browser may reuse a preflight's answer, in seconds.
const PREFLIGHT_MAX_AGE: usize = 3600;

/// Response headers a front end needs to read: versions, pages, created resources, request ids and
/// back-off.
fn exposed_headers() -> [HeaderName; 5] {
    [header::ETAG, header::LINK, header::LOCATION, REQUEST_ID, header::RETRY_AFTER]
}

/// The open policy: anonymous reads from anywhere.
fn open_policy() -> Cors {
    Cors::default()
        .allow_any_origin()
        .send_wildcard()
        .allowed_methods([Method::GET, Method::HEAD])
        .allowed_headers([header::ACCEPT, header::IF_NONE_MATCH, REQUEST_ID])
        .expose_headers(exposed_headers())
        .max_age(PREFLIGHT_MAX_AGE)
        .block_on_origin_mismatch(false)
}

/// The trusted policy: everything the API takes, from the configured origins only.
fn trusted_policy(origins: &[String]) -> Cors {
    origins
        .iter()
        .fold(Cors::default(), |cors, origin| cors.allowed_origin(origin))
        .allowed_methods([Method::GET, Method::HEAD, Method::POST, Method::PUT, Method::PATCH, Method::DELETE])
        .allowed_headers([
            header::ACCEPT,
            header::AUTHORIZATION,
            header::CONTENT_TYPE,
            header::IF_MATCH,
            header::IF_NONE_MATCH,
            HeaderName::from_static("idempotency-key"),
            REQUEST_ID,
        ])
        .expose_headers(exposed_headers())
        .max_age(PREFLIGHT_MAX_AGE)
        .block_on_origin_mismatch(false)
}

/// The CORS layer of the application, built from `CUS_CORS_ORIGINS`.
#[derive(Clone)]
pub struct CorsPolicies {
    trusted_origins: Rc<HashSet<HeaderValue>>,
    trusted: Rc<Cors>,
}

impl CorsPolicies {
    /// `origins` are validated by the configuration (`scheme://host[:port]`, no path).
    pub fn new(origins: &[String]) -> Self {
        let trusted_origins = origins.iter().filter_map(|origin| HeaderValue::from_str(origin).ok()).collect();
        CorsPolicies { trusted_origins: Rc::new(trusted_origins), trusted: Rc::new(trusted_policy(origins)) }
    }
}

/// The inner service, shared by the two policies' middlewares.
pub struct Shared<S>(Rc<S>);

impl<S: Service<ServiceRequest>> Service<ServiceRequest> for Shared<S> {
    type Response = S::Response;
    type Error = S::Error;
    type Future = S::Future;

    fn poll_ready(&self, cx: &mut std::task::Context<'_>) -> std::task::Poll<Result<(), Self::Error>> {
        self.0.poll_ready(cx)
    }

    fn call(&self, req: ServiceRequest) -> Self::Future {
        self.0.call(req)
    }
}

impl<S, B> Transform<S, ServiceRequest> for CorsPolicies
where
    S: Service<ServiceRequest, Response = ServiceResponse<B>, Error = Error> + 'static,
    S::Future: 'static,
    B: MessageBody + 'static,
{
    type Response = ServiceResponse<EitherBody<B>>;
    type Error = Error;
    type InitError = ();
    type Transform = CorsPoliciesMiddleware<S>;
    type Future = LocalBoxFuture<'static, Result<Self::Transform, Self::InitError>>;

    fn new_transform(&self, service: S) -> Self::Future {
        let service = Rc::new(service);
        let open = open_policy().new_transform(Shared(Rc::clone(&service)));
        let trusted = self.trusted.new_transform(Shared(Rc::clone(&service)));
        let trusted_origins = Rc::clone(&self.trusted_origins);
        Box::pin(async move {
            Ok(CorsPoliciesMiddleware {
                trusted_origins,
                open: open.await?,
                trusted: trusted.await?,
                bare: Shared(service),
            })
        })
    }
}

pub struct CorsPoliciesMiddleware<S> {
    trusted_origins: Rc<HashSet<HeaderValue>>,
    open: CorsMiddleware<Shared<S>>,
    trusted: CorsMiddleware<Shared<S>>,
    bare: Shared<S>,
}

/// Which policy answers a request.
enum Policy {
    /// Not a cross-origin request, or one with a token from an origin not configured.
    None,
    Open,
    Trusted,
}

impl<S> CorsPoliciesMiddleware<S> {
    fn policy_for(&self, req: &ServiceRequest) -> Policy {
        match req.headers().get(header::ORIGIN) {
            None => Policy::None,
            Some(origin) if self.trusted_origins.contains(origin) => Policy::Trusted,
            Some(_) if req.headers().contains_key(header::AUTHORIZATION) => Policy::None,
            Some(_) => Policy::Open,
        }
    }
}

fn is_preflight(req: &ServiceRequest) -> bool {
    req.method() == Method::OPTIONS && req.headers().contains_key(header::ACCESS_CONTROL_REQUEST_METHOD)
}

impl<S, B> Service<ServiceRequest> for CorsPoliciesMiddleware<S>
where
    S: Service<ServiceRequest, Response = ServiceResponse<B>, Error = Error> + 'static,
    S::Future: 'static,
    B: MessageBody + 'static,
{
    type Response = ServiceResponse<EitherBody<B>>;
    type Error = Error;
    type Future = LocalBoxFuture<'static, Result<Self::Response, Self::Error>>;

    forward_ready!(bare);

    fn call(&self, req: ServiceRequest) -> Self::Future {
        let preflight = is_preflight(&req);
        let response = match self.policy_for(&req) {
            Policy::Open => self.open.call(req),
            Policy::Trusted => self.trusted.call(req),
            Policy::None if preflight => {
                let (req, _) = req.into_parts();
                return Box::pin(async move { Ok(refused_preflight(req)) });
            }
            Policy::None => {
                let response = self.bare.call(req);
                return Box::pin(async move { Ok(response.await?.map_into_left_body()) });
            }
        };
        Box::pin(async move {
            let mut response = response.await?;
            if preflight {
                if !response.status().is_success() {
                    return Ok(refused_preflight(response.into_parts().0));
                }
                *response.response_mut().status_mut() = StatusCode::NO_CONTENT;
            }
            Ok(response)
        })
    }
}

/// A preflight the policies do not allow: 204 without CORS headers, so the browser stops there.
fn refused_preflight<B>(req: actix_web::HttpRequest) -> ServiceResponse<EitherBody<B>> {
    let response = HttpResponse::NoContent().insert_header((header::VARY, "Origin")).finish();
    ServiceResponse::new(req, response.map_body(|_, body: BoxBody| EitherBody::right(body)))
}
