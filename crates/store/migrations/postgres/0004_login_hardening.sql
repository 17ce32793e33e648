-- Hardening of accounts and logins (issue 14); the same tables and columns as
-- sqlite/0004_login_hardening.sql.

-- Once an admin account has existed the bootstrap admin token is closed for good, even if
-- every admin is later disabled (recovery is `planwatch user enable` / `user add --role
-- admin`). The fact is set in the transaction that creates the first admin; stores that
-- already have one get it here.
INSERT INTO meta (key, value)
SELECT 'bootstrap_closed', to_char(now() AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"')
WHERE EXISTS (SELECT 1 FROM users WHERE role = 'admin');
