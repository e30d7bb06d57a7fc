-- The director's personal authorisations (upoważnienie), e.g. for an OUS to approve individual
-- plans (CUS act; see README "Authorisations").
CREATE TABLE authorisations (
    id TEXT PRIMARY KEY NOT NULL,
    subject TEXT NOT NULL,                -- token subject of the authorised person or client
    scope TEXT NOT NULL,                  -- approve_plans
    valid_from DATE NOT NULL,
    valid_to DATE,                        -- last day it holds; NULL: until revoked
    granted_by TEXT NOT NULL,             -- subject of the granting director
    revoked_at TIMESTAMP,
    revoked_by TEXT,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    version BIGINT NOT NULL
);
-- The list's filters (subject, scope, both) in id order; the first also serves the approval check.
CREATE INDEX authorisations_subject_scope_id ON authorisations (subject, scope, id);
CREATE INDEX authorisations_subject_id ON authorisations (subject, id);
CREATE INDEX authorisations_scope_id ON authorisations (scope, id);

