-- Separation of duties: a client with a personal-data role (kipus, director, ous, osl) is
-- registered with status `pending` (status is now pending | active | revoked) and works once a
-- director other than its requester approves it. Clients registered before stay active; their
-- requester and approval are unknown (NULL).
ALTER TABLE api_clients ADD COLUMN requested_by TEXT;   -- subject of whoever registered it
ALTER TABLE api_clients ADD COLUMN approved_by TEXT;    -- subject of the approving director
ALTER TABLE api_clients ADD COLUMN approved_at TIMESTAMP;
