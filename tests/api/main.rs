//! Integration tests through HTTP: each test spawns the real application on a fresh database,
//! SQLite by default or PostgreSQL when `CUS_TEST_DATABASE_URL` names a server (see scripts/test).

mod access_matrix;
mod api_clients;
mod audit;
mod auth;
mod authorisations;
mod builders;
mod commission_recipients;
mod commissions;
mod contract;
mod cors;
mod diagnoses;
mod errors;
mod fee_assessments;
mod health;
mod helpers;
mod hostile;
mod hsds;
mod input_security;
mod locations;
mod metrics;
mod municipalities;
mod openapi;
mod plan_fees;
mod plan_rules;
mod programme_versions;
mod programmes;
mod provider_forms;
mod providers;
mod reports;
mod reserved_contracts;
mod residents;
mod seed;
mod service_plans;
mod services;
mod settings;
