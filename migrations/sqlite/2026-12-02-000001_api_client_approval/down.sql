-- Without the approval columns a pending client would look active: revoke it instead.
UPDATE api_clients SET status = 'revoked', revoked_at = updated_at WHERE status = 'pending';
ALTER TABLE api_clients DROP COLUMN approved_at;
ALTER TABLE api_clients DROP COLUMN approved_by;
ALTER TABLE api_clients DROP COLUMN requested_by;
