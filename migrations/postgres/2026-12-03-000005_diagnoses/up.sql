-- The diagnosis of needs and potential (diagnoza potrzeb i potencjału społeczności lokalnej, CUS
-- act art. 13 ust. 1; issue 14): what a programme of social services rests on. Lists (methods,
-- needs, resources, gaps) are JSON arrays in TEXT; the municipalities covered are a join table,
-- so that programmes can ask which adopted diagnosis covers a gmina.
CREATE TABLE diagnoses (
    id TEXT PRIMARY KEY NOT NULL,
    title TEXT NOT NULL,
    methods TEXT NOT NULL,                    -- JSON array of text
    consultation_from DATE,                   -- the consultation, all three or none
    consultation_to DATE,
    consultation_how TEXT,
    document_url TEXT,                        -- the adopted document: https URL and its SHA-256
    document_sha256 TEXT,
    needs TEXT NOT NULL,                      -- JSON array of {area, target_group, indicator, value, source}
    resources TEXT NOT NULL,                  -- JSON array of text
    gaps TEXT NOT NULL,                       -- JSON array of text
    status TEXT NOT NULL,                     -- draft | adopted | superseded
    adopted_on DATE,                          -- set by the adopt action
    next_due_on DATE,                         -- adopted_on + 5 years
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    version BIGINT NOT NULL,
    CHECK ((consultation_from IS NULL) = (consultation_to IS NULL)),
    CHECK ((document_url IS NULL) = (document_sha256 IS NULL)),
    CHECK (status = 'draft' OR (adopted_on IS NOT NULL AND next_due_on IS NOT NULL))
);
-- The list's order is the id (creation order): the primary key serves it unfiltered; `status`
-- (and `overdue`: status = adopted, next_due_on before today) walks this index; `updated_since`
-- filters either walk. A CUS adopts one diagnosis per gmina every few years: the table stays small.
CREATE INDEX diagnoses_status_id ON diagnoses (status, id);

CREATE TABLE diagnosis_municipalities (
    diagnosis_id TEXT NOT NULL REFERENCES diagnoses (id),
    municipality_id TEXT NOT NULL REFERENCES municipalities (id),
    position INTEGER NOT NULL,                -- the order the municipalities were given in
    PRIMARY KEY (diagnosis_id, municipality_id)
);
-- `municipality_id` walks the diagnoses of one gmina in the list's order (with `status` too, the
-- few of that gmina are filtered).
CREATE INDEX diagnosis_municipalities_municipality ON diagnosis_municipalities (municipality_id, diagnosis_id);
