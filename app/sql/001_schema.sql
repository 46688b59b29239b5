-- Initial MiniTwit schema. Migrations run under pg_advisory_lock, once each.
CREATE TABLE IF NOT EXISTS users (
  user_id  BIGSERIAL PRIMARY KEY,
  username TEXT NOT NULL UNIQUE,
  email    TEXT NOT NULL,
  pw_hash  TEXT NOT NULL
);

CREATE TABLE IF NOT EXISTS followers (
  who_id  BIGINT NOT NULL REFERENCES users (user_id) ON DELETE CASCADE,
  whom_id BIGINT NOT NULL REFERENCES users (user_id) ON DELETE CASCADE,
  PRIMARY KEY (who_id, whom_id)
);

CREATE TABLE IF NOT EXISTS messages (
  message_id BIGSERIAL PRIMARY KEY,
  author_id  BIGINT NOT NULL REFERENCES users (user_id) ON DELETE CASCADE,
  text       TEXT NOT NULL,
  pub_date   BIGINT NOT NULL,
  flagged    BOOLEAN NOT NULL DEFAULT FALSE
);

-- Timelines read newest first by insertion order; these serve the public, user and
-- "my timeline" queries without a sort.
CREATE INDEX IF NOT EXISTS messages_public_idx ON messages (message_id DESC) WHERE NOT flagged;
CREATE INDEX IF NOT EXISTS messages_author_idx ON messages (author_id, message_id DESC);

-- The simulator's most recent action id, shared by every replica.
CREATE TABLE IF NOT EXISTS latest (
  id    SMALLINT PRIMARY KEY CHECK (id = 1),
  value BIGINT NOT NULL
);
