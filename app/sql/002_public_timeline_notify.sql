-- Every replica keeps the newest public messages in memory (storage/public_timeline_cache)
-- and drops them when it hears on this channel. So every statement that can change the
-- public timeline notifies: Postgres delivers a NOTIFY when its transaction commits (and
-- not at all on rollback), and folds identical ones within a transaction into one.
-- Statement-level triggers: one notification per statement, however many rows it touches.
CREATE FUNCTION notify_public_timeline() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_notify('minitwit_messages', '');
  RETURN NULL;
END;
$$;

-- New, flagged, edited and deleted messages; TRUNCATE fires statement triggers only.
CREATE TRIGGER messages_notify_public_timeline
  AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON messages
  FOR EACH STATEMENT EXECUTE FUNCTION notify_public_timeline();

-- The timeline shows each author's username and email, and deleting a user deletes their
-- messages by cascade. A new user has no messages yet, so INSERT needs no notification.
CREATE TRIGGER users_notify_public_timeline
  AFTER UPDATE OR DELETE ON users
  FOR EACH STATEMENT EXECUTE FUNCTION notify_public_timeline();
