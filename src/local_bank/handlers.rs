//! Thin handlers of the local bank: public (a token changes nothing), one blocking read, answered
//! with an `ETag` of the body and `Cache-Control: public`.

use actix_web::{get, web, HttpRequest, HttpResponse};

use super::dto::{LocalBankQuery, LocalBankService};
use super::model;
use crate::app::AppState;
use crate::auth::{access, Caller};
use crate::clock;
use crate::db;
use crate::error::ApiResult;
use crate::http::cache::cached_page;
use crate::http::extract::QueryParams;
use crate::http::pagination::{Page, Paging};
use crate::http::responses::{DatabaseErrors, NotModifiedResponse, QueryErrors};

/// List the local bank's services
///
/// The public local offer (bank usług lokalnych): active catalogue services in order of their last
/// change (`updated_at`, then id), each with the catalogue fields and the offers of active providers:
/// the provider's public name, where (active locations) or at home, and `funded_by_cus` (an active
/// commission of that provider for that service covers today; `false` marks an offer the CUS does not
/// fund). `updated_since` keeps what changed at or after the time; cursor-paginated. Anonymous: a token
/// changes nothing. No personal data: no contact persons, e-mails or phones. Every answer carries an
/// `ETag` (304 on `If-None-Match`) and `Cache-Control: public, max-age=300`.
#[utoipa::path(
    tag = "local-bank",
    params(LocalBankQuery),
    responses(
        (status = 200, description = "One page of services", body = Page<LocalBankService>,
            headers(("ETag" = String, description = "Entity tag of the body"),
                ("Cache-Control" = String, description = "`public, max-age=300`"),
                ("Link" = String, description = "`<...>; rel=\"next\"` when another page follows"))),
        NotModifiedResponse, QueryErrors, DatabaseErrors
    )
)]
#[get("/local-bank/services")]
pub async fn list_local_bank_services(
    req: HttpRequest,
    state: web::Data<AppState>,
    caller: Caller,
    query: QueryParams<LocalBankQuery>,
) -> ApiResult<HttpResponse> {
    access::LIST_LOCAL_BANK_SERVICES.authorize(&req, &state, caller).await?;
    let filter = query.0;
    let (paging, cursor) = Paging::parse(filter.limit, filter.cursor.as_deref(), model::SORT)?;
    let limit = paging.limit;
    let today = clock::today();
    let (rows, mut offers) = db::run(&state.pool, move |conn| {
        let rows = model::services_page(conn, &filter, cursor.as_ref(), limit)?;
        let ids: Vec<_> = rows.iter().map(|row| row.id).collect();
        let offers = model::offers(conn, &ids, today)?;
        Ok((rows, offers))
    })
    .await?;
    let page = paging.page(rows, model::position, |row| {
        let offers = offers.remove(&row.id).unwrap_or_default();
        Ok(LocalBankService { service: row.to_dto()?, offers })
    })?;
    cached_page(&req, &page)
}
