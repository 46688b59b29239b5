-- POST /fllws/<user> {"follow": name}: set_latest, user_by_name twice, follow.
\set who random(1, :users)
\set whom random(1, :users)
\set latest random(1, 1000000000)
INSERT INTO latest (id, value) VALUES (1, :latest) ON CONFLICT (id) DO UPDATE SET value = EXCLUDED.value;
SELECT user_id AS who_id, username, email, pw_hash FROM users WHERE username = 'pgbench user ' || :who \gset
SELECT user_id AS whom_id, username, email, pw_hash FROM users WHERE username = 'pgbench user ' || :whom \gset
INSERT INTO followers (who_id, whom_id) VALUES (:who_id, :whom_id) ON CONFLICT DO NOTHING;
