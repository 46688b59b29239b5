-- Users the pgbench scripts act as (the app's own users keep their names).
INSERT INTO users (username, email, pw_hash)
SELECT 'pgbench user ' || g, 'pgbench' || g || '@example.org', 'not-a-hash'
FROM generate_series(1, :users) AS g
ON CONFLICT (username) DO NOTHING;
