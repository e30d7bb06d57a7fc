-- Responses to POST requests that carried an Idempotency-Key, replayed when the same caller
-- retries with the same key. Written in the transaction of the work itself.
CREATE TABLE idempotency_keys (
    caller TEXT NOT NULL,
    idempotency_key TEXT NOT NULL,
    request_fingerprint TEXT NOT NULL,    -- SHA-256 of method, path and body
    response_status INTEGER NOT NULL,
    response_headers TEXT NOT NULL,       -- JSON object of the headers to replay
    response_body TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    PRIMARY KEY (caller, idempotency_key)
);
CREATE INDEX idempotency_keys_created_at ON idempotency_keys (created_at);
