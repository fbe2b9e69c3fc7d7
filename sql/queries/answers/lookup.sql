-- name: lookup(park_id, kind, as_of)^
-- The park's data version, the day asked for (the park's today when none), the answer kept
-- for both (NULL when none) and how long the park's last answer of that kind took.
SELECT p.data_version AS version, d.day, a.body,
       (SELECT l.seconds FROM park_answers l WHERE l.park_id = p.id AND l.kind = :kind
        ORDER BY l.computed_at DESC LIMIT 1) AS last_seconds
FROM parks p
CROSS JOIN LATERAL (SELECT coalesce(:as_of::date, park_today(p.id)) AS day) d
LEFT JOIN park_answers a ON a.park_id = p.id AND a.kind = :kind AND a.as_of = d.day
                        AND a.data_version = p.data_version
WHERE p.id = :park_id;
