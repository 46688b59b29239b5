-- GET /public: public_messages with the page size 30 (the page itself is rendered in the app).
SELECT m.message_id, u.username, u.email, m.text, m.pub_date FROM messages m JOIN users u ON u.user_id = m.author_id WHERE NOT m.flagged ORDER BY m.message_id DESC LIMIT 30;
