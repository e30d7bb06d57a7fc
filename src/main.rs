//! `cus-api` serves the API; `cus-api openapi` prints its OpenAPI document.

use std::process::ExitCode;

use cus_api::config::Config;
use cus_api::startup::{self, Application};

#[actix_web::main]
async fn main() -> ExitCode {
    env_logger::Builder::from_env(env_logger::Env::default().default_filter_or("info")).init();
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args
        .iter()
        .map(String::as_str)
        .collect::<Vec<_>>()
        .as_slice()
    {
        [] | ["serve"] => serve().await,
        ["openapi"] => match serde_json::to_string_pretty(&startup::openapi()) {
            Ok(document) => {
                println!("{document}");
                ExitCode::SUCCESS
            }
            Err(err) => fail(&format!("cannot render the OpenAPI document: {err}")),
        },
        _ => fail("usage: cus-api [serve | openapi]"),
    }
}

async fn serve() -> ExitCode {
    let config = match Config::from_env() {
        Ok(config) => config,
        Err(reason) => return fail(&format!("invalid configuration: {reason}")),
    };
    let app = match Application::build(&config) {
        Ok(app) => app,
        Err(reason) => return fail(&reason),
    };
    let base = format!("http://{}:{}", config.bind_addr.ip(), app.port());
    log::info!(
        "cus-api listening on {base} ({} database); API docs at {base}/docs/",
        config.backend.name()
    );
    match app.run_until_stopped().await {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => fail(&format!("server error: {err}")),
    }
}

/// One line on stderr, and a failing exit code.
fn fail(reason: &str) -> ExitCode {
    eprintln!("cus-api: {reason}");
    ExitCode::FAILURE
}
