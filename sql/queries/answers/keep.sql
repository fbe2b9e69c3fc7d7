-- name: keep(park_id, kind, as_of, version, body, seconds)!
-- Keep an answer computed from that data version (never over one of a newer version).
INSERT INTO park_answers AS a (park_id, kind, as_of, data_version, body, seconds)
VALUES (:park_id, :kind, :as_of, :version, :body, :seconds)
ON CONFLICT (park_id, kind, as_of) DO UPDATE
  SET data_version = excluded.data_version, body = excluded.body, seconds = excluded.seconds,
      computed_at = now()
  WHERE a.data_version <= excluded.data_version;
