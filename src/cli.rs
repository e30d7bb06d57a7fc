//! The small command line of the same binary, for first set-up and local use. It uses the
//! server's configuration and database.

use std::time::Duration;

use serde_json::json;
use uuid::Uuid;

use crate::api_clients::{dto::NewApiClient, model};
use crate::app::AppState;
use crate::audit::{self, Event};
use crate::auth::{Actor, Caller, Role};
use crate::config::Config;

pub const USAGE: &str = "usage:
  cus-api [serve]                       run the server
  cus-api openapi                       print the OpenAPI document
  cus-api clients create --name NAME --role ROLE [--role ROLE ...] [--provider ID]
                                        register an API client, active at once (the operator
                                        approves it); prints its id and secret once (JSON)
  cus-api token --role ROLE [--role ROLE ...] [--provider ID] [--ttl SECONDS]
                                        print a short-lived token for local use
  cus-api seed [--scale FACTOR]         fill an empty database with deterministic demo data
                                        (scale 1: 1,000 services ... 100,000 residents and plans)";

/// Options of the `clients create` and `token` commands.
#[derive(Debug, Default)]
struct Options {
    name: Option<String>,
    roles: Vec<String>,
    provider: Option<Uuid>,
    ttl: Option<u64>,
}

fn parse_options(args: &[String]) -> Result<Options, String> {
    let mut options = Options::default();
    let mut args = args.iter();
    while let Some(flag) = args.next() {
        let mut value = || args.next().cloned().ok_or_else(|| format!("{flag} needs a value"));
        match flag.as_str() {
            "--name" => options.name = Some(value()?),
            "--role" => options.roles.push(value()?),
            "--provider" => {
                options.provider = Some(value()?.parse().map_err(|_| "--provider must be a UUID".to_owned())?)
            }
            "--ttl" => {
                options.ttl = Some(value()?.parse().map_err(|_| "--ttl must be a number of seconds".to_owned())?)
            }
            other => return Err(format!("unknown option {other}")),
        }
    }
    Ok(options)
}

/// The caller recorded in the audit log for command-line actions.
fn local_actor() -> Actor {
    let user = std::env::var("USER").unwrap_or_else(|_| "unknown".to_owned());
    Actor {
        caller: Caller::new(format!("cli:{user}"), None, vec![Role::Admin], None)
            .expect("the admin role alone is a valid caller"),
        request_id: None,
        source_address: None,
    }
}

/// `clients create`: prints `{"client_id", "client_secret", ...}`.
pub fn create_client(args: &[String]) -> Result<String, String> {
    let options = parse_options(args)?;
    let state = AppState::open(&Config::from_env()?)?;
    let input = NewApiClient { name: options.name, roles: Some(options.roles), provider_id: options.provider };
    let draft = input.validate_draft().map_err(|err| describe(&err))?;
    let id = Uuid::now_v7();
    let mut conn = state.pool.get().map_err(|err| err.to_string())?;
    let event = Event::new("create_api_client", "api_client", Some(id.to_string()));
    let actor = local_actor();
    let operator = model::Registrar::Operator(&actor.caller.subject);
    let (row, secret) = audit::audited(&mut conn, &actor, event, |conn| model::insert(conn, id, draft, operator))
        .map_err(|err| describe(&err))?;
    let client = row.to_dto().map_err(|err| describe(&err))?;
    Ok(json!({
        "client_id": client.id,
        "client_secret": secret,
        "name": client.name,
        "roles": client.roles,
        "provider_id": client.provider_id,
        "status": client.status,
    })
    .to_string())
}

/// `token`: prints only the token.
pub fn issue_token(args: &[String]) -> Result<String, String> {
    let options = parse_options(args)?;
    if options.roles.is_empty() {
        return Err("give at least one --role".to_owned());
    }
    let roles = options
        .roles
        .iter()
        .map(|name| name.parse::<Role>().map_err(|_| format!("unknown role {name}")))
        .collect::<Result<Vec<_>, _>>()?;
    if roles.contains(&Role::Provider) != options.provider.is_some() {
        return Err("--provider goes with --role provider, and only with it".to_owned());
    }
    crate::auth::check_roles(&roles, options.provider).map_err(|conflict| conflict.message().to_owned())?;
    let ttl = Duration::from_secs(options.ttl.unwrap_or(3600));
    if !(60..=86_400).contains(&ttl.as_secs()) {
        return Err("--ttl must be between 60 and 86400 seconds".to_owned());
    }
    let state = AppState::open(&Config::from_env()?)?;
    state.keys.issue(&local_actor().caller.subject, None, &roles, options.provider, ttl).map_err(|err| describe(&err))
}

fn describe(err: &crate::error::ApiError) -> String {
    match err {
        crate::error::ApiError::Validation(errors) => {
            errors.iter().map(|e| format!("{}: {}", e.field, e.message)).collect::<Vec<_>>().join("; ")
        }
        other => other.to_string(),
    }
}

/// `seed`: prints what was written (JSON).
pub fn seed(args: &[String]) -> Result<String, String> {
    let scale = match args {
        [] => 1.0,
        [flag, value] if flag == "--scale" => {
            value.parse::<f64>().ok().filter(|s| *s > 0.0 && *s <= 10.0).ok_or("--scale takes a number in (0, 10]")?
        }
        _ => return Err("usage: cus-api seed [--scale FACTOR]".to_owned()),
    };
    let state = AppState::open(&Config::from_env()?)?;
    let mut conn = state.pool.get().map_err(|err| err.to_string())?;
    crate::seed::seed(&mut conn, scale).map(|written| written.to_string()).map_err(|err| describe(&err))
}
