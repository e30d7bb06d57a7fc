-- Commissions (zlecenia): a catalogue service commissioned to a provider for a period and budget.
CREATE TABLE commissions (
    id TEXT PRIMARY KEY NOT NULL,
    reference TEXT COLLATE "C" NOT NULL,
    title TEXT NOT NULL,
    service_id TEXT NOT NULL REFERENCES services (id),
    provider_id TEXT NOT NULL REFERENCES providers (id),
    mode TEXT NOT NULL,
    form TEXT,                            -- powierzenie / wspieranie, for open competitions
    agreement_number TEXT,
    agreement_signed_on DATE,
    period_start DATE NOT NULL,
    period_end DATE NOT NULL,
    amount BIGINT NOT NULL,               -- grosze
    tranches TEXT NOT NULL,               -- JSON [{date, amount}]
    own_financial BIGINT NOT NULL,        -- grosze
    own_non_financial BIGINT NOT NULL,    -- grosze
    planned_units BIGINT NOT NULL,
    unit TEXT NOT NULL,
    planned_recipients BIGINT NOT NULL,
    expected_results TEXT NOT NULL,       -- JSON [{indicator, unit, planned_value}]
    reporting_schedule TEXT NOT NULL,
    reporting_due_days INTEGER NOT NULL,
    status TEXT NOT NULL,
    termination_reason TEXT,
    search_text TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    version BIGINT NOT NULL
);
CREATE UNIQUE INDEX commissions_reference_key ON commissions (reference);
CREATE INDEX commissions_provider ON commissions (provider_id, status);
CREATE INDEX commissions_updated_at ON commissions (updated_at, id);

-- Annexes (aneksy): the only way financial terms of a signed commission change; kept forever.
CREATE TABLE commission_annexes (
    id TEXT PRIMARY KEY NOT NULL,
    commission_id TEXT NOT NULL REFERENCES commissions (id),
    reason TEXT NOT NULL,
    changes TEXT NOT NULL,                -- JSON {field: {before, after}}
    created_by TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX commission_annexes_commission ON commission_annexes (commission_id, id);

-- Provider reports (sprawozdania) and every version submitted; nothing is overwritten or deleted.
CREATE TABLE reports (
    id TEXT PRIMARY KEY NOT NULL,
    commission_id TEXT NOT NULL REFERENCES commissions (id),
    provider_id TEXT NOT NULL REFERENCES providers (id),
    kind TEXT NOT NULL,
    period_start DATE NOT NULL,
    period_end DATE NOT NULL,
    status TEXT NOT NULL,                 -- submitted | returned | accepted
    current_version INTEGER NOT NULL,
    due_on DATE NOT NULL,
    first_submitted_at TIMESTAMP NOT NULL,
    accepted_at TIMESTAMP,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    version BIGINT NOT NULL
);
CREATE INDEX reports_commission ON reports (commission_id, kind, period_start);
CREATE INDEX reports_status ON reports (status, due_on);
CREATE INDEX reports_provider ON reports (provider_id, id);

CREATE TABLE report_versions (
    id TEXT PRIMARY KEY NOT NULL,
    report_id TEXT NOT NULL REFERENCES reports (id),
    number INTEGER NOT NULL,
    content TEXT NOT NULL,                -- JSON: the submission as received, validated
    units_delivered BIGINT NOT NULL,
    recipients_total BIGINT NOT NULL,
    grant_used BIGINT NOT NULL,           -- grosze
    own_financial BIGINT NOT NULL,        -- grosze, incl. fees and other public funds
    own_non_financial BIGINT NOT NULL,    -- grosze
    submitted_by TEXT NOT NULL,
    submitted_at TIMESTAMP NOT NULL,
    review_outcome TEXT,                  -- accepted | returned
    review_comments TEXT,                 -- JSON [{field, comment}]
    reviewed_by TEXT,
    reviewed_at TIMESTAMP
);
CREATE UNIQUE INDEX report_versions_number ON report_versions (report_id, number);
