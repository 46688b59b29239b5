-- Login sessions on the server, so that logout and a password change end them (a signed
-- cookie alone stays valid until it expires). The cookie carries the random session_id.
CREATE TABLE sessions (
  session_id TEXT PRIMARY KEY,
  user_id    BIGINT NOT NULL REFERENCES users (user_id) ON DELETE CASCADE,
  expires_at BIGINT NOT NULL  -- Unix seconds
);
CREATE INDEX sessions_user_idx ON sessions (user_id);

-- Whatever changes a password (an operator in psql included) signs the user out everywhere.
CREATE FUNCTION revoke_sessions() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  DELETE FROM sessions WHERE user_id = NEW.user_id;
  RETURN NULL;
END;
$$;

CREATE TRIGGER users_password_revokes_sessions
  AFTER UPDATE OF pw_hash ON users
  FOR EACH ROW WHEN (OLD.pw_hash IS DISTINCT FROM NEW.pw_hash) EXECUTE FUNCTION revoke_sessions();
