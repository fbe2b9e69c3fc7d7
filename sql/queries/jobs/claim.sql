-- name: claim(worker, stale_seconds, max_attempts)^
SELECT * FROM claim_job(:worker, make_interval(secs => :stale_seconds), :max_attempts);
