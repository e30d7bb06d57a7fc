//! cus-api: the open, headless REST/JSON API of a Polish municipal social services centre
//! (Centrum Usług Społecznych, act of 19 July 2019).

pub mod api_clients;
pub mod app;
pub mod audit;
pub mod auth;
pub mod authorisations;
pub mod cli;
pub mod clock;
pub mod commissions;
pub mod config;
pub mod db;
pub mod diagnoses;
pub mod domain;
pub mod error;
pub mod fee_assessments;
pub mod health;
pub mod hsds;
pub mod http;
pub mod idempotency;
pub mod local_bank;
pub mod locations;
pub mod logging;
pub mod metrics;
pub mod municipalities;
pub mod openapi;
pub mod plan_items;
pub mod programmes;
pub mod providers;
pub mod reports;
pub mod residents;
pub mod seed;
pub mod service_plans;
pub mod services;
pub mod settings;
pub mod startup;
pub mod validation;
