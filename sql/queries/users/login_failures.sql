-- name: login_failures(username, address, window_seconds)^
-- Failed logins within the window since the account's last successful login, per account
-- and per address, with the time until the oldest of each falls out of the window.
WITH since AS (
  SELECT now() - make_interval(secs => :window_seconds) AS t
), account AS (
  SELECT count(*) AS n, min(at) AS oldest FROM auth_events, since
  WHERE username = :username AND event = 'login_failed' AND at > since.t
    AND at > coalesce((SELECT max(at) FROM auth_events
                       WHERE username = :username AND event = 'login'), '-infinity')
), address AS (
  SELECT count(*) AS n, min(at) AS oldest FROM auth_events, since
  WHERE address = :address AND event = 'login_failed' AND at > since.t
)
SELECT account.n AS account_failures, address.n AS address_failures,
       ceil(extract(epoch FROM account.oldest + make_interval(secs => :window_seconds) - now()))
         AS account_retry_seconds,
       ceil(extract(epoch FROM address.oldest + make_interval(secs => :window_seconds) - now()))
         AS address_retry_seconds
FROM account, address;
