//! The request context: a request id on every response, one access-log line and the metrics of
//! every request, every error rendered as problem details that name the request, a deadline for
//! the body and the headers that keep responses out of caches and content sniffing.

use std::cell::Cell;
use std::future::Future;
use std::pin::Pin;
use std::rc::Rc;
use std::task::{Context, Poll};
use std::time::{Duration, Instant};

use actix_web::body::{BoxBody, MessageBody};
use actix_web::dev::{Payload, ServiceRequest, ServiceResponse};
use actix_web::error::PayloadError;
use actix_web::http::header::{self, HeaderName, HeaderValue};
use actix_web::middleware::Next;
use actix_web::rt::time::Sleep;
use actix_web::web::Bytes;
use actix_web::{web, Error, HttpMessage};
use futures_util::Stream;

use crate::app::AppState;
use crate::error::{ApiError, PROBLEM_CONTENT_TYPE};
use crate::metrics::DatabaseErrorKind;

pub const REQUEST_ID: HeaderName = HeaderName::from_static("x-request-id");

/// The id of the current request, available to handlers through request extensions.
#[derive(Debug, Clone)]
pub struct RequestId(pub String);

/// A client's own request id is echoed when it is short and printable; otherwise a new one is made.
fn request_id_of(req: &ServiceRequest) -> String {
    req.headers()
        .get(&REQUEST_ID)
        .and_then(|value| value.to_str().ok())
        .filter(|id| (1..=128).contains(&id.len()) && id.bytes().all(|b| b.is_ascii_graphic()))
        .map(str::to_owned)
        .unwrap_or_else(|| uuid::Uuid::now_v7().to_string())
}

/// How long a request's body may take to arrive, counted from its head (`REQUEST_BODY_TIMEOUT_SECONDS`).
#[derive(Debug, Clone, Copy)]
pub struct BodyTimeout(pub Duration);

impl BodyTimeout {
    pub const DEFAULT: BodyTimeout = BodyTimeout(Duration::from_secs(30));
}

/// A request body that fails once its deadline has passed, so that a client sending it slowly (or
/// never finishing it) holds a connection for a bounded time; `expired` tells the middleware to
/// answer 408, whichever extractor was reading.
struct DeadlinePayload {
    inner: Payload,
    deadline: Pin<Box<Sleep>>,
    expired: Rc<Cell<bool>>,
}

impl Stream for DeadlinePayload {
    type Item = Result<Bytes, PayloadError>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let this = self.get_mut();
        if let Poll::Ready(chunk) = Pin::new(&mut this.inner).poll_next(cx) {
            return Poll::Ready(chunk);
        }
        if this.deadline.as_mut().poll(cx).is_pending() {
            return Poll::Pending;
        }
        this.expired.set(true);
        let timed_out = std::io::Error::new(std::io::ErrorKind::TimedOut, "request body time-out");
        Poll::Ready(Some(Err(PayloadError::Io(timed_out))))
    }
}

/// Puts a deadline on the body of a request that announces one; the flag says whether it passed.
fn limit_body_time(req: &mut ServiceRequest) -> Option<(Rc<Cell<bool>>, BodyTimeout)> {
    let has_body = req.headers().contains_key(header::TRANSFER_ENCODING)
        || req.headers().get(header::CONTENT_LENGTH).is_some_and(|length| length.as_bytes() != b"0");
    if !has_body {
        return None;
    }
    let timeout = req.app_data::<BodyTimeout>().copied().unwrap_or(BodyTimeout::DEFAULT);
    let expired = Rc::new(Cell::new(false));
    let inner = req.take_payload();
    let deadline = Box::pin(actix_web::rt::time::sleep(timeout.0));
    let payload: Pin<Box<dyn Stream<Item = Result<Bytes, PayloadError>>>> =
        Box::pin(DeadlinePayload { inner, deadline, expired: expired.clone() });
    req.set_payload(Payload::from(payload));
    Some((expired, timeout))
}

const NOSNIFF: HeaderValue = HeaderValue::from_static("nosniff");
const NO_STORE: HeaderValue = HeaderValue::from_static("no-store");

/// `nosniff` on every response; `no-store` on every response but an anonymous read (the public
/// catalogue, health, documentation), since any other may hold personal data or a secret.
fn security_headers(response: &mut ServiceResponse<BoxBody>) {
    let anonymous_read = {
        let req = response.request();
        matches!(*req.method(), actix_web::http::Method::GET | actix_web::http::Method::HEAD)
            && !req.headers().contains_key(header::AUTHORIZATION)
    };
    let headers = response.headers_mut();
    headers.insert(header::X_CONTENT_TYPE_OPTIONS, NOSNIFF);
    if !anonymous_read && !headers.contains_key(header::CACHE_CONTROL) {
        headers.insert(header::CACHE_CONTROL, NO_STORE);
    }
}

pub async fn request_context(
    mut req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, Error> {
    let started = Instant::now();
    let request_id = request_id_of(&req);
    req.extensions_mut().insert(RequestId(request_id.clone()));
    let method = req.method().clone();
    let body_deadline = limit_body_time(&mut req);

    let (mut response, database_error) = match next.call(req).await {
        Ok(response) => {
            let database_error =
                response.response().error().and_then(|err| err.as_error::<ApiError>()).and_then(DatabaseErrorKind::of);
            (as_problem(response.map_into_boxed_body(), &request_id), database_error)
        }
        // An error that escaped the service chain: render it against a request we no longer own.
        Err(err) => return Err(err),
    };
    if let Some((_, timeout)) = body_deadline.filter(|(expired, _)| expired.get()) {
        response = timed_out(response, timeout, &request_id);
    }
    security_headers(&mut response);
    if let Ok(value) = HeaderValue::from_str(&request_id) {
        response.headers_mut().insert(REQUEST_ID, value);
    }
    // The route pattern, not the path: ids stay out of aggregated logs and query strings (which
    // may carry personal data in searches) are never logged.
    let route = response.request().match_pattern().unwrap_or_else(|| "(unmatched)".to_owned());
    let status = response.status().as_u16();
    let latency = started.elapsed();
    log::info!(
        target: "access",
        "{method} {route} {status} {latency:.1}ms request_id={request_id}",
        latency = latency.as_secs_f64() * 1000.0,
    );
    if let Some(state) = response.request().app_data::<web::Data<AppState>>() {
        state.metrics.record(&method, route, status, latency, database_error);
    }
    Ok(response)
}

/// The 408 for a body that missed its deadline, whatever the reader made of the broken body; the
/// connection is closed, since the rest of the body may still arrive.
fn timed_out(response: ServiceResponse<BoxBody>, timeout: BodyTimeout, request_id: &str) -> ServiceResponse<BoxBody> {
    let (req, _) = response.into_parts();
    let error = ApiError::RequestTimeout { seconds: timeout.0.as_secs() };
    let mut problem = error.to_response(Some(req.path()), Some(request_id));
    problem.head_mut().set_connection_type(actix_web::http::ConnectionType::Close);
    ServiceResponse::new(req, problem)
}

/// Renders every error response as problem details with `instance` and `request_id`, including
/// actix's own (routing 404/405, payload errors) that would otherwise be plain text.
fn as_problem(response: ServiceResponse<BoxBody>, request_id: &str) -> ServiceResponse<BoxBody> {
    let status = response.status();
    if !(status.is_client_error() || status.is_server_error()) {
        return response;
    }
    let rendered = {
        let instance = response.request().path().to_owned();
        match response.response().error().and_then(|err| err.as_error::<ApiError>()) {
            Some(api_error) => {
                api_error.log(request_id);
                Some(api_error.to_response(Some(&instance), Some(request_id)))
            }
            None => {
                let is_problem = response
                    .headers()
                    .get(header::CONTENT_TYPE)
                    .is_some_and(|ct| ct.as_bytes().starts_with(PROBLEM_CONTENT_TYPE.as_bytes()));
                (!is_problem).then(|| ApiError::Status(status).to_response(Some(&instance), Some(request_id)))
            }
        }
    };
    match rendered {
        Some(problem) => {
            let (req, original) = response.into_parts();
            let mut problem = problem;
            // Keep headers the original response set for the client (Allow, WWW-Authenticate).
            for (name, value) in original.headers() {
                if name != header::CONTENT_TYPE
                    && name != header::CONTENT_LENGTH
                    && !problem.headers().contains_key(name)
                {
                    problem.headers_mut().insert(name.clone(), value.clone());
                }
            }
            ServiceResponse::new(req, problem)
        }
        None => response,
    }
}
