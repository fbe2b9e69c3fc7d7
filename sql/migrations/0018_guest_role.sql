-- 0018 guest role (issue 9): guest accounts read the public map of supplyable serviced land
-- (zones, roads and the plots a guest may see, without owners or money); the role ladder is
-- guest < viewer < planner < admin. Idempotent, as every migration is.

ALTER TABLE users DROP CONSTRAINT IF EXISTS users_role_check;
ALTER TABLE users ADD CONSTRAINT users_role_check
  CHECK (role IN ('guest', 'viewer', 'planner', 'admin'));
