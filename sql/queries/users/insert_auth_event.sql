-- name: insert_auth_event(event, username, address, detail)!
-- Record a login, logout, failure or refusal (audited by trigger).
INSERT INTO auth_events (event, username, address, detail)
VALUES (:event, :username, :address, :detail);
