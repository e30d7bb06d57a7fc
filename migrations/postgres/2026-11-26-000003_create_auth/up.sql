-- cus-api's own token signing keys, generated on first start and shared by every replica.
CREATE TABLE signing_keys (
    kid TEXT PRIMARY KEY NOT NULL,
    algorithm TEXT NOT NULL,
    secret TEXT NOT NULL,                 -- base64url key material
    created_at TIMESTAMP NOT NULL
);

-- Systems (NGO partner systems, municipal integrations) that obtain tokens with a client secret.
CREATE TABLE api_clients (
    id TEXT PRIMARY KEY NOT NULL,
    name TEXT NOT NULL,
    roles TEXT NOT NULL,                  -- JSON array of role names
    provider_id TEXT,                     -- the provider a `provider` client acts for
    secret_hash TEXT NOT NULL,            -- argon2id PHC string; the secret itself is never stored
    status TEXT NOT NULL,                 -- active | revoked
    secret_rotated_at TIMESTAMP NOT NULL,
    revoked_at TIMESTAMP,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    version BIGINT NOT NULL
);

-- Failed token requests, counted per client and per address to rate-limit guessing across replicas.
CREATE TABLE auth_failures (
    id TEXT PRIMARY KEY NOT NULL,
    scope TEXT NOT NULL,                  -- client:<id> or address:<ip>
    failed_at TIMESTAMP NOT NULL
);
CREATE INDEX auth_failures_scope ON auth_failures (scope, failed_at);
