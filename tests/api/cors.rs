//! CORS through HTTP: anonymous reads open to every origin, calls with a token only from the
//! configured origins, every preflight a 204. `scripts/browser-test` checks the same in Chromium.

use reqwest::Method;

use crate::builders::ServiceBuilder;
use crate::helpers::{spawn_app, spawn_with, Reply, TestApp, TestDb};

const PORTAL: &str = "https://portal.gmina.pl";
const OTHER: &str = "https://elsewhere.example";

fn with_portal() -> TestApp {
    spawn_with(TestDb::new(), &[("CUS_CORS_ORIGINS", "https://portal.gmina.pl, http://localhost:5173")])
}

async fn preflight(app: &TestApp, origin: &str, method: &str, headers: &str) -> Reply {
    let request = app
        .request_as(None, Method::OPTIONS, "/api/v1/services")
        .header("origin", origin)
        .header("access-control-request-method", method);
    let request = if headers.is_empty() { request } else { request.header("access-control-request-headers", headers) };
    app.send(request).await
}

fn listed(reply: &Reply, header: &str) -> Vec<String> {
    reply.header(header).unwrap_or_default().split(',').map(|name| name.trim().to_ascii_lowercase()).collect()
}

#[actix_web::test]
async fn anonymous_reads_answer_every_origin_with_a_wildcard() {
    let app = spawn_app();
    ServiceBuilder::new("CORS-1").create_active(&app).await;
    let reply = app.send(app.request_as(None, Method::GET, "/api/v1/services").header("origin", OTHER)).await;
    assert_eq!(reply.status, 200);
    assert_eq!(reply.header("access-control-allow-origin"), Some("*"));
    let exposed = listed(&reply, "access-control-expose-headers");
    for header in ["etag", "link", "location", "x-request-id", "retry-after"] {
        assert!(exposed.contains(&header.to_owned()), "{header} exposed: {exposed:?}");
    }
    assert_eq!(reply.header("access-control-allow-credentials"), None);
}

#[actix_web::test]
async fn a_read_preflight_from_any_origin_is_a_204_for_reads_only() {
    let app = spawn_app();
    let reply = preflight(&app, OTHER, "GET", "if-none-match").await;
    assert_eq!(reply.status, 204);
    assert_eq!(reply.header("access-control-allow-origin"), Some("*"));
    let methods = listed(&reply, "access-control-allow-methods");
    assert!(methods.contains(&"get".to_owned()) && !methods.contains(&"patch".to_owned()), "{methods:?}");
    assert!(listed(&reply, "access-control-allow-headers").contains(&"if-none-match".to_owned()));
    assert_eq!(reply.header("access-control-max-age"), Some("3600"));
}

#[actix_web::test]
async fn an_origin_not_configured_gets_no_cors_headers_for_calls_with_a_token() {
    let app = with_portal();
    for (method, headers) in [("GET", "authorization"), ("PATCH", "content-type,if-match"), ("POST", "")] {
        let reply = preflight(&app, OTHER, method, headers).await;
        assert_eq!(reply.status, 204, "{method} preflight");
        assert_eq!(reply.header("access-control-allow-origin"), None, "{method} {headers}");
        assert_eq!(reply.header("access-control-allow-methods"), None);
    }
    let with_token = app.send(app.request(Method::GET, "/api/v1/services").header("origin", OTHER)).await;
    assert_eq!(with_token.status, 200, "the server answers; the browser withholds it");
    assert_eq!(with_token.header("access-control-allow-origin"), None);
}

#[actix_web::test]
async fn no_origin_is_trusted_unless_configured() {
    let app = spawn_app();
    let reply = preflight(&app, "http://localhost:5173", "PATCH", "authorization,if-match").await;
    assert_eq!(reply.status, 204);
    assert_eq!(reply.header("access-control-allow-origin"), None);
}

#[actix_web::test]
async fn a_configured_origin_may_call_with_a_token_and_write() {
    let app = with_portal();
    let reply =
        preflight(&app, PORTAL, "PATCH", "authorization,content-type,if-match,idempotency-key,x-request-id").await;
    assert_eq!(reply.status, 204);
    assert_eq!(reply.header("access-control-allow-origin"), Some(PORTAL), "the origin echoed, not *");
    assert!(listed(&reply, "vary").contains(&"origin".to_owned()));
    let methods = listed(&reply, "access-control-allow-methods");
    for method in ["get", "post", "put", "patch", "delete"] {
        assert!(methods.contains(&method.to_owned()), "{method}: {methods:?}");
    }
    let headers = listed(&reply, "access-control-allow-headers");
    for header in ["authorization", "content-type", "if-match", "if-none-match", "idempotency-key", "x-request-id"] {
        assert!(headers.contains(&header.to_owned()), "{header}: {headers:?}");
    }
    let unknown = preflight(&app, PORTAL, "PATCH", "x-secret").await;
    assert_eq!((unknown.status, unknown.header("access-control-allow-origin")), (204, None), "a header not used");

    let created = ServiceBuilder::new("CORS-2").create(&app).await;
    let path = format!("/api/v1/services/{}", created["id"].as_str().unwrap());
    let read = app.send(app.request(Method::GET, &path).header("origin", PORTAL)).await;
    assert_eq!(read.status, 200);
    assert_eq!(read.header("access-control-allow-origin"), Some(PORTAL));
    assert!(listed(&read, "access-control-expose-headers").contains(&"etag".to_owned()));
}

#[actix_web::test]
async fn requests_without_an_origin_carry_no_cors_headers() {
    let app = with_portal();
    let reply = app.get("/api/v1/services").await;
    assert_eq!(reply.status, 200);
    assert_eq!(reply.header("access-control-allow-origin"), None);
    let options = app.send(app.request_as(None, Method::OPTIONS, "/api/v1/services")).await;
    assert_eq!(options.status, 405, "OPTIONS that is not a preflight names the methods");
}
