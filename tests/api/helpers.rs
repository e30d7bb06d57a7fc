//! Spawning the application on a fresh database, and a small HTTP client around it.

use std::sync::OnceLock;

use cus_api::config::Config;
use cus_api::startup::Application;
use diesel::connection::SimpleConnection;
use diesel::{Connection, PgConnection};
use reqwest::{Method, RequestBuilder, Response};
use serde_json::Value;

/// A fresh database for one test: a SQLite file in a temporary folder, or a new database on the
/// PostgreSQL server named by `CUS_TEST_DATABASE_URL`.
pub enum TestDb {
    Sqlite { _dir: tempfile::TempDir, path: String },
    Postgres { admin_url: String, name: String, url: String },
}

impl TestDb {
    pub fn new() -> TestDb {
        match std::env::var("CUS_TEST_DATABASE_URL") {
            Ok(admin_url) if !admin_url.is_empty() => {
                let name = format!("cus_test_{}", uuid::Uuid::now_v7().simple());
                let mut admin = PgConnection::establish(&admin_url).expect("connect to the test PostgreSQL server");
                admin.batch_execute(&format!("CREATE DATABASE {name}")).expect("create a test database");
                let base =
                    admin_url.rsplit_once('/').map(|(base, _)| base).expect("CUS_TEST_DATABASE_URL ends with /dbname");
                let url = format!("{base}/{name}");
                TestDb::Postgres { admin_url, name, url }
            }
            _ => {
                let dir = tempfile::tempdir().expect("create a temporary folder");
                let path = dir.path().join("cus-api.db").to_string_lossy().into_owned();
                TestDb::Sqlite { _dir: dir, path }
            }
        }
    }

    pub fn url(&self) -> String {
        match self {
            TestDb::Sqlite { path, .. } => format!("sqlite://{path}"),
            TestDb::Postgres { url, .. } => url.clone(),
        }
    }

    pub fn is_postgres(&self) -> bool {
        matches!(self, TestDb::Postgres { .. })
    }

    /// Runs SQL on the test's database directly, to set up a state the API cannot reach (time).
    pub fn execute(&self, sql: &str) {
        let done = match self {
            TestDb::Sqlite { path, .. } => diesel::SqliteConnection::establish(path).and_then(|mut conn| {
                conn.batch_execute(sql).map_err(|err| diesel::ConnectionError::BadConnection(err.to_string()))
            }),
            TestDb::Postgres { url, .. } => PgConnection::establish(url).and_then(|mut conn| {
                conn.batch_execute(sql).map_err(|err| diesel::ConnectionError::BadConnection(err.to_string()))
            }),
        };
        done.expect("run SQL on the test database");
    }
}

pub struct TestApp {
    pub address: String,
    pub client: reqwest::Client,
    pub db: TestDb,
    /// Sent by `request` and the shortcuts: a catalogue manager's token (role `ous`).
    pub staff_token: String,
}

pub const ISSUER: &str = "https://idp.test/realms/cus";
pub const AUDIENCE: &str = "cus-api";

fn fixture(name: &str) -> String {
    format!("{}/tests/fixtures/{name}", env!("CARGO_MANIFEST_DIR"))
}

/// Claims of a token of the pretend identity provider, valid for an hour.
pub fn idp_claims(subject: &str, roles: &[&str]) -> Value {
    let now = chrono::Utc::now().timestamp();
    serde_json::json!({"iss": ISSUER, "aud": AUDIENCE, "sub": subject, "iat": now, "nbf": now, "exp": now + 3600, "roles": roles})
}

/// Signs claims with one of the fixture keys (`idp-rsa`, `idp-ec`, `other-rsa`).
pub fn sign(claims: &Value, key: &str, kid: Option<&str>) -> String {
    use jsonwebtoken::{Algorithm, EncodingKey, Header};
    let pem = std::fs::read(fixture(&format!("{key}-private.pem"))).expect("fixture key");
    let (algorithm, encoding) = if key.contains("-ec") {
        (Algorithm::ES256, EncodingKey::from_ec_pem(&pem).unwrap())
    } else {
        (Algorithm::RS256, EncodingKey::from_rsa_pem(&pem).unwrap())
    };
    let mut header = Header::new(algorithm);
    header.kid = kid.map(str::to_owned);
    jsonwebtoken::encode(&header, claims, &encoding).expect("sign a test token")
}

/// A valid identity-provider token with these roles.
pub fn token_for(roles: &[&str]) -> String {
    sign(&idp_claims(&format!("user-{}", roles.join("-")), roles), "idp-rsa", Some("idp-rsa-1"))
}

/// A valid token of a provider user.
pub fn provider_token(provider_id: &str) -> String {
    let mut claims = idp_claims("provider-user", &["provider"]);
    claims["provider_id"] = serde_json::json!(provider_id);
    sign(&claims, "idp-rsa", Some("idp-rsa-1"))
}

/// Settings the tests pass on top of the defaults.
pub fn spawn_with(db: TestDb, settings: &[(&str, &str)]) -> TestApp {
    init_logging();
    let url = db.url();
    let config = Config::from_lookup(|name| {
        settings.iter().find(|(key, _)| *key == name).map(|(_, value)| value.to_string()).or_else(|| match name {
            "DATABASE_URL" => Some(url.clone()),
            "BIND_ADDR" => Some("127.0.0.1:0".to_owned()),
            "WORKERS" => Some("1".to_owned()),
            "DATABASE_POOL_SIZE" => Some("4".to_owned()),
            "REQUEST_BODY_LIMIT" => Some("65536".to_owned()),
            "CUS_JWT_ISSUER" => Some(ISSUER.to_owned()),
            "CUS_JWT_AUDIENCE" => Some(AUDIENCE.to_owned()),
            "CUS_JWT_PUBLIC_KEYS" => Some(fixture("idp-jwks.json")),
            _ => None,
        })
    })
    .expect("valid test configuration");
    let app = Application::build(&config).expect("the application starts");
    let address = format!("http://127.0.0.1:{}", app.port());
    actix_web::rt::spawn(app.run_until_stopped());
    TestApp { address, client: reqwest::Client::new(), db, staff_token: token_for(&["ous"]) }
}

pub fn spawn_app() -> TestApp {
    spawn_with(TestDb::new(), &[])
}

fn init_logging() {
    static INIT: OnceLock<()> = OnceLock::new();
    INIT.get_or_init(|| {
        let _ =
            env_logger::Builder::from_env(env_logger::Env::default().default_filter_or("off")).is_test(true).try_init();
    });
}

/// A response read whole: status, headers and the body as JSON (Null when empty).
pub struct Reply {
    pub status: u16,
    pub headers: reqwest::header::HeaderMap,
    pub body: Value,
}

impl Reply {
    pub async fn read(response: Response) -> Reply {
        let status = response.status().as_u16();
        let headers = response.headers().clone();
        let bytes = response.bytes().await.expect("read the body");
        let body = if bytes.is_empty() {
            Value::Null
        } else {
            serde_json::from_slice(&bytes)
                .unwrap_or_else(|_| Value::String(String::from_utf8_lossy(&bytes).into_owned()))
        };
        Reply { status, headers, body }
    }

    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }

    /// Asserts a problem+json response with this status and code, and returns it.
    #[track_caller]
    pub fn problem(&self, status: u16, code: &str) -> &Value {
        assert_eq!(self.status, status, "unexpected status; body: {}", self.body);
        assert_eq!(self.header("content-type"), Some("application/problem+json"), "body: {}", self.body);
        assert_eq!(self.body["code"], code, "body: {}", self.body);
        assert_eq!(self.body["status"], status);
        assert_eq!(self.body["type"], format!("https://cus-api.dev/problems/{code}"));
        &self.body
    }

    /// The `field` of every listed field error.
    pub fn error_fields(&self) -> Vec<String> {
        self.body["errors"]
            .as_array()
            .map(|errors| errors.iter().map(|e| e["field"].as_str().unwrap_or_default().to_owned()).collect())
            .unwrap_or_default()
    }
}

impl TestApp {
    /// A request with the staff token.
    pub fn request(&self, method: Method, path: &str) -> RequestBuilder {
        self.request_as(Some(&self.staff_token), method, path)
    }

    /// A request with the given bearer token, or none.
    pub fn request_as(&self, token: Option<&str>, method: Method, path: &str) -> RequestBuilder {
        let request = self.client.request(method, format!("{}{}", self.address, path));
        match token {
            Some(token) => request.bearer_auth(token),
            None => request,
        }
    }

    pub async fn send(&self, request: RequestBuilder) -> Reply {
        Reply::read(request.send().await.expect("send the request")).await
    }

    pub async fn get(&self, path: &str) -> Reply {
        self.send(self.request(Method::GET, path)).await
    }

    pub async fn post_json(&self, path: &str, body: &Value) -> Reply {
        self.send(self.request(Method::POST, path).json(body)).await
    }

    pub async fn post(&self, path: &str) -> Reply {
        self.send(self.request(Method::POST, path)).await
    }

    pub async fn patch_json(&self, path: &str, etag: &str, body: &Value) -> Reply {
        self.send(
            self.request(Method::PATCH, path)
                .header("if-match", etag)
                .header("content-type", "application/merge-patch+json")
                .body(body.to_string()),
        )
        .await
    }

    /// A token signed with cus-api's own key (read from the test's database), for claims the
    /// service would never issue itself.
    pub fn own_token(&self, claims: &Value) -> String {
        use base64::Engine;
        use diesel::RunQueryDsl;
        #[derive(diesel::QueryableByName)]
        struct Key {
            #[diesel(sql_type = diesel::sql_types::Text)]
            kid: String,
            #[diesel(sql_type = diesel::sql_types::Text)]
            secret: String,
        }
        let sql = "SELECT kid, secret FROM signing_keys ORDER BY created_at DESC LIMIT 1";
        let key: Key = match &self.db {
            TestDb::Sqlite { path, .. } => {
                diesel::sql_query(sql).get_result(&mut diesel::SqliteConnection::establish(path).unwrap())
            }
            TestDb::Postgres { url, .. } => {
                diesel::sql_query(sql).get_result(&mut PgConnection::establish(url).unwrap())
            }
        }
        .expect("read the signing key");
        let secret = base64::engine::general_purpose::URL_SAFE_NO_PAD.decode(key.secret).expect("base64url key");
        let mut header = jsonwebtoken::Header::new(jsonwebtoken::Algorithm::HS256);
        header.kid = Some(key.kid);
        jsonwebtoken::encode(&header, claims, &jsonwebtoken::EncodingKey::from_secret(&secret)).expect("sign")
    }

    /// Drops the test's PostgreSQL database under the running application (simulating an outage).
    pub fn drop_postgres_database(&self) {
        self.as_postgres_admin(|name| format!("DROP DATABASE {name} WITH (FORCE)"));
    }

    /// Ends every session on the test's PostgreSQL database, as a server restart would.
    pub fn terminate_postgres_sessions(&self) {
        self.as_postgres_admin(|name| {
            format!("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '{name}'")
        });
    }

    fn as_postgres_admin(&self, sql: impl FnOnce(&str) -> String) {
        if let TestDb::Postgres { admin_url, name, .. } = &self.db {
            let mut admin = PgConnection::establish(admin_url).expect("connect to the test PostgreSQL server");
            admin.batch_execute(&sql(name)).expect("run an administrator's statement");
        }
    }
}
