-- Residents: the most sensitive data held (GDPR art. 9: health, disability, family situation).
CREATE TABLE residents (
    id TEXT PRIMARY KEY NOT NULL,
    first_name TEXT NOT NULL,
    last_name TEXT NOT NULL,
    pesel TEXT,
    birth_date DATE,
    birth_year INTEGER,                   -- kept after anonymisation, for statistics
    sex TEXT,
    street TEXT,
    building TEXT,
    postal_code TEXT,
    city TEXT,
    teryt TEXT,                           -- kept after anonymisation, for statistics
    phone TEXT,
    email TEXT,
    legal_representative TEXT,            -- JSON {name, contact}
    notes_on_needs TEXT NOT NULL,
    search_text TEXT NOT NULL,            -- folded names, for diacritic-insensitive search
    anonymised_at TIMESTAMP,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    version BIGINT NOT NULL
);
CREATE UNIQUE INDEX residents_pesel_key ON residents (pesel) WHERE pesel IS NOT NULL;
CREATE INDEX residents_updated_at ON residents (updated_at, id);

-- Individual plans of social services (IPUS).
CREATE TABLE service_plans (
    id TEXT PRIMARY KEY NOT NULL,
    resident_id TEXT NOT NULL REFERENCES residents (id),
    coordinator TEXT NOT NULL,            -- the KIPUS's subject
    requested_on DATE NOT NULL,
    needs_assessment TEXT NOT NULL,
    goals TEXT NOT NULL,                  -- JSON [{id, description, indicator, target_date, status}]
    consent TEXT,                         -- JSON {given_on, scope, recipients}
    period_start DATE NOT NULL,
    period_end DATE NOT NULL,
    status TEXT NOT NULL,
    approval_requested_at TIMESTAMP,
    approved_by TEXT,
    approved_at TIMESTAMP,
    monitoring TEXT NOT NULL,             -- JSON [{date, note, author}]
    closure TEXT,                         -- JSON {date, reason, summary_interview_on, outcome}
    revision INTEGER NOT NULL,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    version BIGINT NOT NULL
);
CREATE INDEX service_plans_resident ON service_plans (resident_id, status);
CREATE INDEX service_plans_status ON service_plans (status, id);

CREATE TABLE plan_items (
    id TEXT PRIMARY KEY NOT NULL,
    plan_id TEXT NOT NULL REFERENCES service_plans (id),
    position INTEGER NOT NULL,
    service_id TEXT NOT NULL REFERENCES services (id),
    provider_id TEXT NOT NULL REFERENCES providers (id),
    commission_id TEXT REFERENCES commissions (id),
    quantity BIGINT NOT NULL,
    unit TEXT NOT NULL,
    frequency TEXT NOT NULL,
    start_on DATE NOT NULL,
    end_on DATE NOT NULL,
    fee BIGINT,                           -- grosze per unit, when the resident pays
    status TEXT NOT NULL
);
CREATE INDEX plan_items_plan ON plan_items (plan_id, position);
CREATE INDEX plan_items_provider ON plan_items (provider_id, status);

-- Earlier states of approved plans: a change to an approved plan keeps the previous one readable.
CREATE TABLE plan_revisions (
    id TEXT PRIMARY KEY NOT NULL,
    plan_id TEXT NOT NULL REFERENCES service_plans (id),
    number INTEGER NOT NULL,
    snapshot TEXT NOT NULL,               -- JSON of the plan as it was
    created_by TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL
);
CREATE UNIQUE INDEX plan_revisions_number ON plan_revisions (plan_id, number);

-- Deliveries a provider records on its plan items.
CREATE TABLE item_deliveries (
    id TEXT PRIMARY KEY NOT NULL,
    item_id TEXT NOT NULL REFERENCES plan_items (id),
    delivered_on DATE NOT NULL,
    units BIGINT NOT NULL,
    note TEXT NOT NULL,
    recorded_by TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX item_deliveries_item ON item_deliveries (item_id, delivered_on);
