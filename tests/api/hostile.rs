//! Hostile input at every documented operation: the answer is a 4xx problem (or a plain success
//! for a read that finds nothing), never a 5xx and never a hang.
//!
//! Operations, their path and query parameters and their example bodies come from the OpenAPI
//! document, so a new operation is covered as soon as it is documented.

use std::time::Duration;

use actix_web::web::Bytes;
use futures_util::stream::{self, StreamExt};
use reqwest::header::{HeaderName, HeaderValue, AUTHORIZATION, CONTENT_TYPE, IF_MATCH};
use reqwest::Method;
use serde_json::{json, Value};

use crate::builders::{create_api_client, ProviderBuilder, ServiceBuilder, NIPS};
use crate::helpers::{spawn_with, token_for, TestApp, TestDb};

/// Large enough for a 1 MB string to reach the handlers; the oversized body is just above it.
const BODY_LIMIT: usize = 2 * 1024 * 1024;

/// Text that has broken services elsewhere.
fn hostile_texts() -> Vec<String> {
    vec![
        "' OR 1=1 --".to_owned(),
        "\"; DROP TABLE services; --".to_owned(),
        "../../etc/passwd".to_owned(),
        "nul\0byte".to_owned(),
        "\u{202e}\u{feff}\u{ffff}\u{1F600}".to_owned(),
        "x".repeat(4_000),
    ]
}

/// Path segments as sent: the texts percent-encoded, and raw encodings a router might trip on.
fn hostile_segments() -> Vec<String> {
    let mut segments: Vec<String> = hostile_texts().iter().map(|text| encode(text)).collect();
    segments.extend(["..", "%2e%2e%2f%2e%2e%2fetc%2fpasswd", "%00", "%FF%FE"].map(str::to_owned));
    segments.push(uuid::Uuid::new_v4().to_string());
    segments
}

/// Query values as sent: the texts form-encoded, a very long one, and raw invalid encodings.
fn hostile_query_values() -> Vec<String> {
    let mut values: Vec<String> =
        hostile_texts().iter().map(|text| form_urlencoded::byte_serialize(text.as_bytes()).collect()).collect();
    values.extend(["%FF%FE", "%"].map(str::to_owned));
    values.push("q".repeat(60_000));
    values
}

/// Header values that HTTP can carry (no NUL or line breaks; those never reach the application).
fn hostile_header_values() -> Vec<HeaderValue> {
    let mut values: Vec<HeaderValue> =
        hostile_texts().iter().filter_map(|text| HeaderValue::from_str(text).ok()).collect();
    values.push(HeaderValue::from_bytes(b"\xff\xfe\x80 bytes").expect("obs-text is a valid header value"));
    values.push(HeaderValue::from_static("Bearer ' OR 1=1 --"));
    values
}

/// The request headers the service reads, for this method.
fn headers_read(method: &Method) -> Vec<HeaderName> {
    let mut headers = vec![AUTHORIZATION, HeaderName::from_static("x-request-id")];
    if *method == Method::PATCH || *method == Method::DELETE {
        headers.push(IF_MATCH);
    }
    if *method == Method::POST {
        headers.push(HeaderName::from_static("idempotency-key"));
    }
    headers
}

/// Bodies that are no valid request for anything.
fn hostile_bodies() -> Vec<Vec<u8>> {
    let nested_arrays = format!("{}{}", "[".repeat(10_000), "]".repeat(10_000));
    let nested_objects = format!("{}1{}", "{\"a\":".repeat(10_000), "}".repeat(10_000));
    vec![
        vec![b'x'; BODY_LIMIT + 1],
        nested_arrays.into_bytes(),
        nested_objects.into_bytes(),
        json!({"name": "x".repeat(1 << 20)}).to_string().into_bytes(),
        b"{\"name\": \"\xff\xfe\x80\"}".to_vec(),
        b"\xff\xfe\x00\x00".to_vec(),
        b"' OR 1=1 --".to_vec(),
        b"null".to_vec(),
        b"[]".to_vec(),
        b"{\"a\": 1e999999}".to_vec(),
    ]
}

const WRONG_CONTENT_TYPES: [&str; 5] =
    ["text/plain", "application/xml", "multipart/form-data; boundary=x", "application/json; charset=utf-16", ""];

fn encode(text: &str) -> String {
    text.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

/// One request to send.
struct Probe {
    what: String,
    method: Method,
    path: String,
    token: Option<String>,
    headers: Vec<(HeaderName, HeaderValue)>,
    body: Option<(String, Bytes)>,
}

/// A documented operation and what the document says it takes.
struct Operation {
    method: Method,
    template: String,
    query: Vec<String>,
    /// Media type and example of the request body.
    body: Option<(String, Value)>,
    /// Callable without a token.
    public: bool,
}

fn operations(document: &Value) -> Vec<Operation> {
    let mut operations = Vec::new();
    for (template, item) in document["paths"].as_object().expect("paths") {
        for (method, operation) in item.as_object().expect("path item") {
            let query = operation["parameters"]
                .as_array()
                .into_iter()
                .flatten()
                .filter(|p| p["in"] == "query")
                .filter_map(|p| p["name"].as_str().map(str::to_owned))
                .collect();
            let body = operation["requestBody"]["content"].as_object().and_then(|content| {
                content.iter().next().map(|(media, spec)| (media.clone(), example(document, spec)))
            });
            let method = Method::from_bytes(method.to_uppercase().as_bytes()).expect("an HTTP method");
            let public = operation["security"].as_array().is_some_and(|s| s.iter().any(|r| r == &json!({})));
            operations.push(Operation { method, template: template.clone(), query, body, public });
        }
    }
    operations
}

/// The example of a request body: its own, or its schema's.
fn example(document: &Value, media: &Value) -> Value {
    if let Some(example) = media.get("example") {
        return example.clone();
    }
    let name = media["schema"]["$ref"].as_str().and_then(|r| r.rsplit('/').next()).unwrap_or_default();
    document["components"]["schemas"][name]["example"].clone()
}

/// The example body as bytes in its media type.
fn serialise(media: &str, example: &Value) -> Vec<u8> {
    match example {
        Value::String(text) => text.clone().into_bytes(),
        Value::Object(fields) if media.contains("x-www-form-urlencoded") => {
            let mut form = form_urlencoded::Serializer::new(String::new());
            for (name, value) in fields {
                form.append_pair(name, value.as_str().map_or_else(|| value.to_string(), str::to_owned).as_str());
            }
            form.finish().into_bytes()
        }
        other => other.to_string().into_bytes(),
    }
}

/// The example with one member (of the object, or of an array's first object) made hostile.
fn with_member(example: &Value, member: &str, value: &Value) -> Value {
    let mut changed = example.clone();
    match &mut changed {
        Value::Array(items) => {
            if let Some(first) = items.first_mut() {
                first[member] = value.clone();
            }
        }
        other => other[member] = value.clone(),
    }
    changed
}

fn members(example: &Value) -> Vec<String> {
    let object = match example {
        Value::Array(items) => items.first(),
        other => Some(other),
    };
    object.and_then(Value::as_object).map(|o| o.keys().cloned().collect()).unwrap_or_default()
}

/// Every hostile request for one operation and caller. An anonymous caller of an operation that
/// needs a token is refused before query and body are read, so it gets only path and headers.
fn probes(
    operation: &Operation,
    existing: &dyn Fn(&str) -> String,
    token: Option<&str>,
    bodies: &[Bytes],
) -> Vec<Probe> {
    let params: Vec<String> = operation
        .template
        .split('/')
        .filter_map(|s| s.strip_prefix('{')?.strip_suffix('}'))
        .map(str::to_owned)
        .collect();
    let fill = |hostile: Option<(&str, &str)>| {
        let mut path = operation.template.clone();
        let mut previous = "";
        for segment in operation.template.split('/') {
            if let Some(name) = segment.strip_prefix('{').and_then(|s| s.strip_suffix('}')) {
                let value = match hostile {
                    Some((param, value)) if param == name => value.to_owned(),
                    _ => existing(previous),
                };
                path = path.replacen(segment, &value, 1);
            }
            previous = segment;
        }
        path
    };
    let benign_body =
        operation.body.as_ref().map(|(media, example)| (media.clone(), Bytes::from(serialise(media, example))));
    let precondition = (IF_MATCH, HeaderValue::from_static("*"));
    // A hostile header replaces the caller's token or the precondition instead of joining them.
    let probe = |what: String, path: String, headers: Vec<(HeaderName, HeaderValue)>, body| {
        let sets = |name: &HeaderName| headers.iter().any(|(header, _)| header == name);
        Probe {
            what,
            method: operation.method.clone(),
            path,
            token: token.filter(|_| !sets(&AUTHORIZATION)).map(str::to_owned),
            headers: if sets(&IF_MATCH) { headers } else { [vec![precondition.clone()], headers].concat() },
            body,
        }
    };
    let base = fill(None);
    let mut probes = Vec::new();
    for param in &params {
        for segment in hostile_segments() {
            let what = format!("path {{{param}}}={}", segment.chars().take(40).collect::<String>());
            probes.push(probe(what, fill(Some((param, &segment))), Vec::new(), benign_body.clone()));
        }
    }
    for header in headers_read(&operation.method) {
        for value in hostile_header_values() {
            let what = format!("header {header}: {:?}", value.as_bytes().iter().take(40).collect::<Vec<_>>());
            let headers = vec![(header.clone(), value)];
            probes.push(probe(what, base.clone(), headers, benign_body.clone()));
        }
    }
    if token.is_none() && !operation.public {
        return probes;
    }
    let unknown = "unknown' OR 1=1";
    let query = operation.query.iter().map(|name| (name.as_str(), hostile_query_values()));
    for (name, values) in query.chain([(unknown, vec![encode("' OR 1=1 --"), "u".repeat(60_000)])]) {
        for value in values {
            let what = format!("query {name}={}", value.chars().take(40).collect::<String>());
            let path = format!("{base}?{}={value}", encode(name));
            probes.push(probe(what, path, Vec::new(), benign_body.clone()));
        }
    }
    let Some((media, example)) = &operation.body else {
        return probes;
    };
    let mut body = |what: String, content_type: &str, bytes: Bytes| {
        probes.push(probe(what, base.clone(), Vec::new(), Some((content_type.to_owned(), bytes))));
    };
    for (index, bytes) in bodies.iter().enumerate() {
        body(format!("hostile body #{index}"), media, bytes.clone());
    }
    for content_type in WRONG_CONTENT_TYPES {
        body(format!("content type {content_type:?}"), content_type, serialise(media, example).into());
    }
    let mut values: Vec<Value> = hostile_texts().into_iter().map(Value::String).collect();
    values.extend([json!([[[[]]]]), json!({"$ne": null})]);
    for (index, member) in members(example).into_iter().enumerate() {
        // One 1 MB string per operation is enough to see that size alone breaks nothing.
        let huge = (index == 0).then(|| Value::String("x".repeat(1 << 20)));
        for value in values.iter().chain(huge.as_ref()) {
            let what = format!("member {member}={}", value.to_string().chars().take(40).collect::<String>());
            body(what, media, serialise(media, &with_member(example, &member, value)).into());
        }
    }
    if let Value::String(text) = example {
        for hostile in hostile_texts() {
            body("hostile text row".to_owned(), media, format!("{text}{hostile};{hostile}\n").into());
        }
    }
    probes
}

/// Sends one probe; returns what was wrong with the answer, if anything.
async fn send(client: &reqwest::Client, app: &TestApp, probe: Probe) -> Option<String> {
    let url = format!("{}{}", app.address, probe.path);
    let mut request = client.request(probe.method.clone(), url);
    if let Some(token) = &probe.token {
        request = request.bearer_auth(token);
    }
    for (name, value) in probe.headers {
        request = request.header(name, value);
    }
    if let Some((content_type, body)) = probe.body {
        if !content_type.is_empty() {
            request = request.header(CONTENT_TYPE, content_type);
        }
        request = request.body(body);
    }
    let who = if probe.token.is_some() { "staff" } else { "anonymous" };
    let context =
        format!("{} {} ({who}, {})", probe.method, probe.path.chars().take(100).collect::<String>(), probe.what);
    let response = match request.timeout(Duration::from_secs(20)).send().await {
        Ok(response) => response,
        Err(err) => return Some(format!("{context}: no answer: {err}")),
    };
    let status = response.status();
    let content_type = response.headers().get(CONTENT_TYPE).and_then(|v| v.to_str().ok()).map(str::to_owned);
    if status.is_server_error() {
        let body = response.text().await.unwrap_or_default();
        return Some(format!("{context}: {status} {}", body.chars().take(300).collect::<String>()));
    }
    if status.is_client_error() && content_type.as_deref() != Some("application/problem+json") {
        return Some(format!("{context}: {status} as {content_type:?}"));
    }
    None
}

#[actix_web::test]
async fn hostile_input_never_causes_a_server_error() {
    let limit = BODY_LIMIT.to_string();
    let app = spawn_with(TestDb::new(), &[("REQUEST_BODY_LIMIT", limit.as_str())]);
    // Staff with every staff role, so that hostile input gets past authorisation everywhere.
    let staff = token_for(&["ous", "director", "admin", "auditor"]);
    let service = ServiceBuilder::new("HOSTILE").create_active(&app).await;
    let provider = ProviderBuilder::new("Hostile", NIPS[0]).create(&app).await;
    let provider_path = format!("/api/v1/providers/{}", provider["id"].as_str().unwrap());
    let offer = app
        .post_json(&format!("{provider_path}/offers"), &json!({"service_id": service["id"], "capacity_per_month": 10}))
        .await;
    assert_eq!(offer.status, 201, "{}", offer.body);
    let client = create_api_client(&app, "hostile", &["integrator"]).await;
    // Real ids by the collection they follow in a path, so that deep code runs too.
    let ids = [
        ("services", service["id"].clone()),
        ("providers", provider["id"].clone()),
        ("offers", offer.body["id"].clone()),
        ("api-clients", client["id"].clone()),
    ];
    let existing = |collection: &str| {
        ids.iter()
            .find(|(name, _)| *name == collection)
            .and_then(|(_, id)| id.as_str().map(str::to_owned))
            .unwrap_or_else(|| uuid::Uuid::new_v4().to_string())
    };

    let document = serde_json::to_value(cus_api::startup::openapi()).unwrap();
    let mut all = Vec::new();
    let bodies: Vec<Bytes> = hostile_bodies().into_iter().map(Bytes::from).collect();
    for operation in operations(&document) {
        all.extend(probes(&operation, &existing, Some(&staff), &bodies));
        all.extend(probes(&operation, &existing, None, &bodies));
    }
    let count = all.len();
    // A connection of its own per request: the server rightly closes one after some bad requests.
    let client = reqwest::Client::builder().pool_max_idle_per_host(0).build().unwrap();
    let started = std::time::Instant::now();
    let failures: Vec<String> = stream::iter(all)
        .map(|probe| send(&client, &app, probe))
        .buffer_unordered(8)
        .filter_map(|failure| async { failure })
        .collect()
        .await;
    eprintln!("{count} hostile requests in {:?}", started.elapsed());
    assert!(count > 1000, "only {count} probes");
    assert!(
        failures.is_empty(),
        "{} of {count} hostile requests were answered wrongly:\n{}",
        failures.len(),
        failures.iter().take(40).cloned().collect::<Vec<_>>().join("\n")
    );
}

/// The status line of a raw request's answer.
fn raw_status(address: &str, request: &[u8]) -> Option<u16> {
    use std::io::{Read, Write};
    let mut stream = std::net::TcpStream::connect(address).ok()?;
    stream.set_read_timeout(Some(Duration::from_secs(10))).ok()?;
    stream.write_all(request).ok()?;
    let mut answer = Vec::new();
    let _ = stream.read_to_end(&mut answer);
    String::from_utf8_lossy(&answer).split(' ').nth(1)?.parse().ok()
}

/// Bytes that are no HTTP request never reach the application: actix's parser answers 400 with an
/// empty body and closes the connection. Not a problem document, but no server error either.
#[actix_web::test]
async fn malformed_http_is_refused_before_the_application() {
    let app = spawn_with(TestDb::new(), &[]);
    let address = app.address.trim_start_matches("http://").to_owned();
    let requests: [&[u8]; 3] = [
        b"GET /api/v1/services HTTP/1.1\r\nHost: x\r\nX-Request-Id: a\0b\r\nConnection: close\r\n\r\n",
        b"GET /api/v1/services/\xff\xfe HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
        b"PATCH /api/v1/services/x HTTP/1.1\r\nHost: x\r\nIf-Match: \"1\"\r\nContent-Length: -1\r\n\r\n",
    ];
    for request in requests {
        let address = address.clone();
        // A blocking socket on a thread of its own: the executor stays free to run the server.
        let status = actix_web::rt::task::spawn_blocking(move || raw_status(&address, request)).await.unwrap();
        assert_eq!(status, Some(400), "{}", String::from_utf8_lossy(request));
    }
}

/// A PESEL and a surname: neither may ever come back in an error.
const PESEL_MARKER: &str = "22113075891";
const NAME_MARKER: &str = "Kowalska";

/// JSON pointers of every leaf of an example body, with the leaf.
fn leaves(value: &Value, pointer: String, found: &mut Vec<(String, Value)>) {
    match value {
        Value::Object(members) => {
            for (name, member) in members {
                leaves(member, format!("{pointer}/{}", name.replace('~', "~0").replace('/', "~1")), found);
            }
        }
        Value::Array(items) => {
            for (index, item) in items.iter().enumerate() {
                leaves(item, format!("{pointer}/{index}"), found);
            }
        }
        leaf => found.push((pointer, leaf.clone())),
    }
}

/// Values of another JSON type than the leaf's, each carrying a PESEL or a name.
fn typed_wrong(leaf: &Value) -> Vec<Value> {
    let text = Value::String(format!("{NAME_MARKER} {PESEL_MARKER}"));
    let pesel_number = json!(22_113_075_891_u64);
    let in_array = json!([format!("{NAME_MARKER} {PESEL_MARKER}")]);
    match leaf {
        Value::String(_) => vec![pesel_number, in_array, json!({"pesel": PESEL_MARKER})],
        Value::Number(_) => vec![text, json!(-22_113_075_891_i64), json!(22_113_075_891.5), in_array],
        _ => vec![text, pesel_number, in_array],
    }
}

/// A body with its media type.
type MediaBody = (String, Vec<u8>);

#[actix_web::test]
async fn no_error_repeats_a_submitted_pesel_or_name() {
    let app = spawn_with(TestDb::new(), &[]);
    let staff = token_for(&["ous", "director", "admin", "auditor", "kipus", "integrator"]);
    let service = ServiceBuilder::new("MARKER").create_active(&app).await;
    let provider = ProviderBuilder::new("Marker", NIPS[0]).create(&app).await;
    let ids = [("services", service["id"].clone()), ("providers", provider["id"].clone())];
    let existing = |collection: &str| {
        ids.iter()
            .find(|(name, _)| *name == collection)
            .and_then(|(_, id)| id.as_str().map(str::to_owned))
            .unwrap_or_else(|| uuid::Uuid::new_v4().to_string())
    };
    let document = serde_json::to_value(cus_api::startup::openapi()).unwrap();
    let mut probes: Vec<(Method, String, Option<MediaBody>)> = Vec::new();
    for operation in operations(&document) {
        let mut path = String::new();
        let mut marked_path = Vec::new();
        let mut previous = "";
        for segment in operation.template.split('/').skip(1) {
            path.push('/');
            if segment.starts_with('{') {
                marked_path.push(format!("{path}{NAME_MARKER}{PESEL_MARKER}"));
                path.push_str(&existing(previous));
            } else {
                path.push_str(segment);
            }
            previous = segment;
        }
        for marked in marked_path {
            // The rest of the template after the marked segment, with real ids.
            let tail: Vec<&str> = path.split('/').skip(marked.matches('/').count() + 1).collect();
            let full = if tail.is_empty() { marked.clone() } else { format!("{marked}/{}", tail.join("/")) };
            probes.push((operation.method.clone(), full, None));
        }
        for name in &operation.query {
            for value in [PESEL_MARKER.to_owned(), format!("{NAME_MARKER}{PESEL_MARKER}"), format!("-{PESEL_MARKER}")] {
                probes.push((operation.method.clone(), format!("{path}?{name}={value}"), None));
            }
        }
        let Some((media, example)) = &operation.body else { continue };
        if !media.contains("json") {
            continue;
        }
        let mut found = Vec::new();
        leaves(example, String::new(), &mut found);
        for (pointer, leaf) in found {
            for wrong in typed_wrong(&leaf) {
                let mut body = example.clone();
                if let Some(slot) = body.pointer_mut(&pointer) {
                    *slot = wrong;
                }
                probes.push((
                    operation.method.clone(),
                    path.clone(),
                    Some((media.clone(), body.to_string().into_bytes())),
                ));
            }
        }
    }
    let count = probes.len();
    let failures: Vec<String> = stream::iter(probes)
        .map(|(method, path, body)| {
            let (app, staff) = (&app, &staff);
            async move {
                let mut request = app.request_as(Some(staff), method.clone(), &path).header(IF_MATCH, "*");
                let sent = body.as_ref().map(|(_, bytes)| String::from_utf8_lossy(bytes).into_owned());
                if let Some((media, bytes)) = body {
                    request = request.header(CONTENT_TYPE, media).body(bytes);
                }
                let mut reply = app.send(request).await;
                // `instance` is the path the client chose to send, not a value it submitted.
                if let Some(problem) = reply.body.as_object_mut() {
                    problem.remove("instance");
                }
                let text = reply.body.to_string();
                let leaked = reply.status >= 400 && (text.contains(PESEL_MARKER) || text.contains(NAME_MARKER));
                leaked.then(|| format!("{method} {path} {}: {text}\n  sent {}", reply.status, sent.unwrap_or_default()))
            }
        })
        .buffer_unordered(8)
        .filter_map(|failure| async { failure })
        .collect()
        .await;
    assert!(count > 300, "only {count} probes");
    assert!(
        failures.is_empty(),
        "{} of {count} errors repeated a submitted value:\n{}",
        failures.len(),
        failures.join("\n")
    );
}
