-- Hardening of accounts and logins (issue 14).

-- Once an admin account has existed the bootstrap admin token is closed for good, even if
-- every admin is later disabled (recovery is `planwatch user enable` / `user add --role
-- admin`). The fact is set in the transaction that creates the first admin; stores that
-- already have one get it here.
INSERT INTO meta (key, value)
SELECT 'bootstrap_closed', strftime('%Y-%m-%dT%H:%M:%SZ', 'now')
WHERE EXISTS (SELECT 1 FROM users WHERE role = 'admin');
