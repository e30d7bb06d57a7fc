-- Residents are keyed by municipality: the list's `teryt` filter walks this index in id order.
CREATE INDEX residents_teryt ON residents (teryt, id);
