//! `cus-api` serves the API; the other commands (see `cus_api::cli::USAGE`) help set it up.

use std::process::ExitCode;

use cus_api::config::Config;
use cus_api::startup::{self, Application};

#[actix_web::main]
async fn main() -> ExitCode {
    cus_api::logging::init();
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args.iter().map(String::as_str).collect::<Vec<_>>().as_slice() {
        [] | ["serve"] => serve().await,
        ["openapi"] => match serde_json::to_string_pretty(&startup::openapi()) {
            Ok(document) => {
                println!("{document}");
                ExitCode::SUCCESS
            }
            Err(err) => fail(&format!("cannot render the OpenAPI document: {err}")),
        },
        ["clients", "create", options @ ..] => print(cus_api::cli::create_client(&owned(options))),
        ["token", options @ ..] => print(cus_api::cli::issue_token(&owned(options))),
        ["seed", options @ ..] => print(cus_api::cli::seed(&owned(options))),
        ["help" | "--help" | "-h"] => {
            println!("{}", cus_api::cli::USAGE);
            ExitCode::SUCCESS
        }
        _ => fail(cus_api::cli::USAGE),
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
    log::info!("cus-api listening on {base} ({} database); API docs at {base}/docs/", config.backend.name());
    match app.run_until_stopped().await {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => fail(&format!("server error: {err}")),
    }
}

fn owned(args: &[&str]) -> Vec<String> {
    args.iter().map(|arg| (*arg).to_owned()).collect()
}

/// A command's output on stdout, or its error on stderr.
fn print(result: Result<String, String>) -> ExitCode {
    match result {
        Ok(output) => {
            println!("{output}");
            ExitCode::SUCCESS
        }
        Err(reason) => fail(&reason),
    }
}

/// One line on stderr, and a failing exit code.
fn fail(reason: &str) -> ExitCode {
    eprintln!("cus-api: {reason}");
    ExitCode::FAILURE
}
