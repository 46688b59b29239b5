-- POST /fllws/<user> {"unfollow": name}: set_latest, user_by_name twice, unfollow.
\set who random(1, :users)
\set whom random(1, :users)
\set latest random(1, 1000000000)
INSERT INTO latest (id, value) VALUES (1, :latest) ON CONFLICT (id) DO UPDATE SET value = EXCLUDED.value;
SELECT user_id AS who_id, username, email, pw_hash FROM users WHERE username = 'pgbench user ' || :who \gset
SELECT user_id AS whom_id, username, email, pw_hash FROM users WHERE username = 'pgbench user ' || :whom \gset
DELETE FROM followers WHERE who_id = :who_id AND whom_id = :whom_id;
