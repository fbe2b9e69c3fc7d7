-- name: plots(park_id, as_of, list, zone, kind, land_user, due_within)
-- One clean-up list as of a date (cleanup_plots, sql/source/20_cleanup.sql), filtered:
-- zone code, a type/cause (one of the row's kinds), the land user (用地单位, a part of
-- its name) and the deadline window (the next mark within that many days, or passed already).
SELECT p.id, p.code, p.name, z.code AS zone, z.name AS zone_name, z.name_en AS zone_name_en,
       p.owner, p.land_user,
       p.contract_no, p.planned_use, m2_to_mu(p.area_m2) AS area_mu, p.land_price,
       p.approved_on, p.supplied_on, p.agreed_start_on, c.stage, c.flags, c.kinds,
       c.clock_from, c.deadline_on, c.mark_1y, c.mark_2y, c.days_left, c.days_over,
       :as_of::date - c.clock_from AS age_days, c.failing, c.reasons,
       p.disposal, p.disposal_on, d.decided_on AS disposal_decided_on, d.doc_no AS disposal_doc_no,
       p.version
FROM cleanup_plots(:park_id, :as_of::date) c
JOIN plots p ON p.id = c.plot_id
LEFT JOIN zones z ON z.id = p.zone_id
LEFT JOIN LATERAL (SELECT d.decided_on, d.doc_no FROM plot_disposals d WHERE d.plot_id = p.id
                   ORDER BY d.decided_on DESC, d.id DESC LIMIT 1) d ON true
WHERE c.list = :list
  AND (:zone::text IS NULL OR z.code = :zone::text)
  AND (:kind::text IS NULL OR :kind::text = ANY (c.kinds))
  AND (:land_user::text IS NULL OR strpos(lower(coalesce(p.land_user, '')), lower(:land_user::text)) > 0)
  AND (:due_within::int IS NULL OR c.days_over IS NOT NULL OR c.days_left <= :due_within::int)
ORDER BY p.code;
