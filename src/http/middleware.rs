//! The request context: a request id on every response, one access-log line and the metrics of
//! every request, and every error rendered as problem details that name the request.

use std::time::Instant;

use actix_web::body::{BoxBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::header::{self, HeaderName, HeaderValue};
use actix_web::middleware::Next;
use actix_web::{web, Error, HttpMessage};

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

pub async fn request_context(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, Error> {
    let started = Instant::now();
    let request_id = request_id_of(&req);
    req.extensions_mut().insert(RequestId(request_id.clone()));
    let method = req.method().clone();

    let (mut response, database_error) = match next.call(req).await {
        Ok(response) => {
            let database_error =
                response.response().error().and_then(|err| err.as_error::<ApiError>()).and_then(DatabaseErrorKind::of);
            (as_problem(response.map_into_boxed_body(), &request_id), database_error)
        }
        // An error that escaped the service chain: render it against a request we no longer own.
        Err(err) => return Err(err),
    };
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
