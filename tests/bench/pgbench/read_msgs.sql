-- GET /msgs?no=100 (no latest sent by the read mix): public_messages.
SELECT m.message_id, u.username, u.email, m.text, m.pub_date FROM messages m JOIN users u ON u.user_id = m.author_id WHERE NOT m.flagged ORDER BY m.message_id DESC LIMIT 100;
