//! Reading the audit log. There is deliberately no operation that changes or deletes events.

use actix_web::{get, web, HttpRequest, HttpResponse};

use super::model::{self, AuditEvent, AuditQuery};
use crate::app::AppState;
use crate::auth::{access, Caller};
use crate::db;
use crate::error::ApiResult;
use crate::http::extract::QueryParams;
use crate::http::pagination::{by_id, Page, Paging};
use crate::http::responses::{DatabaseErrors, QueryErrors};

/// List audit events
///
/// Newest first, cursor-paginated. Filters combine with AND.
#[utoipa::path(
    tag = "audit",
    params(AuditQuery),
    responses(
        (status = 200, description = "One page of events", body = Page<AuditEvent>,
            headers(("Link" = String, description = "`<...>; rel=\"next\"` when another page follows"))),
        QueryErrors, DatabaseErrors
    )
)]
#[get("/audit-events")]
pub async fn list_audit_events(
    req: HttpRequest,
    state: web::Data<AppState>,
    caller: Caller,
    query: QueryParams<AuditQuery>,
) -> ApiResult<HttpResponse> {
    access::LIST_AUDIT_EVENTS.authorize(&req, &state, caller).await?;
    let filter = query.0;
    let (paging, cursor) = Paging::parse(filter.limit, filter.cursor.as_deref(), model::SORT)?;
    let rows = db::run(&state.pool, move |conn| model::list(conn, &filter, cursor.as_ref(), paging.limit)).await?;
    paging.respond(&req, rows, |row| by_id(row.id), |row| row.to_dto())
}
