-- The time bank (bank czasu; issue 19): residents who exchange help by the hour. Membership is a
-- row per resident; every exchange is a transfer, booked as two postings (double entry: the member
-- who gave the help is credited, the one who received it debited), so that a balance is the sum of
-- its member's postings and all postings sum to zero. Nothing here is updated or deleted: a mistake
-- is corrected by a reversing transfer.
CREATE TABLE time_bank_members (
    id TEXT PRIMARY KEY NOT NULL,
    resident_id TEXT NOT NULL UNIQUE REFERENCES residents (id),
    municipality_id TEXT NOT NULL REFERENCES municipalities (id),
    joined_on DATE NOT NULL,
    status TEXT NOT NULL,                     -- active | left
    left_on DATE,                             -- set while the member has left
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    version BIGINT NOT NULL,
    CHECK ((status = 'left') = (left_on IS NOT NULL))
);
-- The list walks the primary key in id order; `status`, `municipality_id` and both together walk
-- these (`resident_id` is unique).
CREATE INDEX time_bank_members_status_id ON time_bank_members (status, id);
CREATE INDEX time_bank_members_municipality_id ON time_bank_members (municipality_id, id);
CREATE INDEX time_bank_members_municipality_status_id ON time_bank_members (municipality_id, status, id);

CREATE TABLE time_bank_transfers (
    id TEXT PRIMARY KEY NOT NULL,             -- UUIDv7: the ledger's order
    giver_id TEXT NOT NULL REFERENCES time_bank_members (id),
    receiver_id TEXT NOT NULL REFERENCES time_bank_members (id),
    minutes INTEGER NOT NULL,
    occurred_on DATE NOT NULL,
    description TEXT NOT NULL,
    reverses_id TEXT UNIQUE REFERENCES time_bank_transfers (id), -- a transfer is reversed at most once
    recorded_by TEXT NOT NULL,                -- the token subject of the staff member who booked it
    recorded_at TIMESTAMP NOT NULL,
    CHECK (minutes > 0),
    CHECK (giver_id <> receiver_id)
);

CREATE TABLE time_bank_postings (
    member_id TEXT NOT NULL REFERENCES time_bank_members (id),
    transfer_id TEXT NOT NULL REFERENCES time_bank_transfers (id),
    minutes INTEGER NOT NULL,                 -- + for the giver, - for the receiver
    -- A member's statement and balance walk this key.
    PRIMARY KEY (member_id, transfer_id)
);
