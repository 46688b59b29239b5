-- POST /msgs/<user> as the app runs it (app/src/storage/pg_repository.cpp, autocommit
-- statements): set_latest, user_by_name, add_message.
\set uid random(1, :users)
\set latest random(1, 1000000000)
INSERT INTO latest (id, value) VALUES (1, :latest) ON CONFLICT (id) DO UPDATE SET value = EXCLUDED.value;
SELECT user_id AS author_id, username, email, pw_hash FROM users WHERE username = 'pgbench user ' || :uid \gset
INSERT INTO messages (author_id, text, pub_date, flagged) VALUES (:author_id, 'From hour to hour yesterday I saw my white face of it? Smørrebrød “quoted” 日本語 🚀', 1582270042, FALSE);
