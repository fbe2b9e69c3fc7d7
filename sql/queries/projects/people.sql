-- name: people(park_id)^
-- The leaders, service officials, units and tags the park's projects name (the filters and
-- the form's suggestions).
SELECT coalesce(array_agg(DISTINCT leader ORDER BY leader) FILTER (WHERE leader IS NOT NULL), '{}') AS leaders,
       coalesce(array_agg(DISTINCT service_official ORDER BY service_official)
                FILTER (WHERE service_official IS NOT NULL), '{}') AS service_officials,
       coalesce(array_agg(DISTINCT responsible_unit ORDER BY responsible_unit)
                FILTER (WHERE responsible_unit IS NOT NULL), '{}') AS units,
       coalesce((SELECT array_agg(DISTINCT t ORDER BY t) FROM projects p2, unnest(p2.tags) t
                 WHERE p2.park_id = :park_id), '{}') AS tags
FROM projects WHERE park_id = :park_id;
