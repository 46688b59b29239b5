"""Checks the simulator-API facts of shared/MINITWIT.md that a schema cannot express.

Usage: contract_facts.py BASE_URL   (the app must be seeded by app_harness.sh first:
users "Roger Histand", "Mikaela Chau", "alice"; latest = 6).
Standard library only. Prints one line per fact and 'N passed, N failed'; exits 1 on any failure.
"""

import http.client
import json
import sys
import time
import urllib.parse

AUTH = "Basic c2ltdWxhdG9yOnN1cGVyX3NhZmUh"
FORBIDDEN = {"status": 403, "error_msg": "You are not authorized to use this resource!"}

base = urllib.parse.urlsplit(sys.argv[1])
results = []


def call(method, path, body=None, auth=AUTH, raw=None, headers=None):
    """Returns (status, content_type, body bytes). body is JSON-encoded; raw is sent as is."""
    conn = http.client.HTTPConnection(base.hostname, base.port, timeout=5)
    hdrs = {"Connection": "close", "Content-Type": "application/json"}
    if auth:
        hdrs["Authorization"] = auth
    hdrs.update(headers or {})
    data = raw if raw is not None else (None if body is None else json.dumps(body).encode())
    conn.request(method, path, body=data, headers=hdrs)
    resp = conn.getresponse()
    out = (resp.status, resp.getheader("Content-Type") or "", resp.read())
    conn.close()
    return out


def q(name):
    return urllib.parse.quote(name, safe="")


def latest():
    status, _, body = call("GET", "/latest", auth=None)
    assert status == 200, f"GET /latest -> {status}"
    return json.loads(body)["latest"]


def fact(name):
    def wrap(fn):
        try:
            fn()
            results.append((name, None))
        except AssertionError as e:
            results.append((name, str(e) or "assertion failed"))
        except Exception as e:  # a dropped connection is a failure too
            results.append((name, f"{type(e).__name__}: {e}"))
        return fn
    return wrap


def expect(status_body, want_status, want_json=None, what=""):
    status, ctype, body = status_body
    assert status == want_status, f"{what}: status {status}, expected {want_status}; body {body[:200]!r}"
    if want_status == 204:
        assert body == b"", f"{what}: 204 with a body {body[:100]!r}"
    if want_json is not None:
        assert "application/json" in ctype, f"{what}: content-type {ctype!r}"
        got = json.loads(body)
        if callable(want_json):
            assert want_json(got), f"{what}: unexpected body {got!r}"
        else:
            assert got == want_json, f"{what}: body {got!r}, expected {want_json!r}"


def error_with(status, msg=None):
    return lambda b: b.get("status") == status and isinstance(b.get("error_msg"), str) and (
        msg is None or b["error_msg"] == msg)


@fact("seeded latest is 6")
def _():
    assert latest() == 6, f"latest {latest()}"


@fact("403 body exact; latest recorded before auth")
def _():
    expect(call("POST", "/msgs/alice?latest=100", {"content": "x"}, auth=None), 403, FORBIDDEN, "no auth")
    assert latest() == 100, f"latest {latest()}, expected 100"
    expect(call("GET", "/msgs?latest=101", auth="Basic c2ltdWxhdG9yOndyb25n"), 403, FORBIDDEN, "wrong pwd")
    assert latest() == 101


@fact("auth before user lookup (unknown user without auth is 403)")
def _():
    for m, p in (("GET", "/msgs/nobody_xyz"), ("GET", "/fllws/nobody_xyz")):
        expect(call(m, p, auth=None), 403, FORBIDDEN, f"{m} {p}")
    expect(call("POST", "/fllws/nobody_xyz", {"follow": "alice"}, auth=None), 403, FORBIDDEN, "POST fllws")


@fact("non-integer latest is ignored; /latest itself does not record")
def _():
    call("GET", "/msgs?latest=abc")
    call("GET", "/msgs?latest=")
    call("GET", "/latest?latest=555", auth=None)
    assert latest() == 101, f"latest {latest()}, expected 101"


@fact("latest keeps a large id exactly")
def _():
    call("GET", "/msgs?latest=123456789012")
    assert latest() == 123456789012, f"latest {latest()}"
    call("GET", "/msgs?latest=102")
    assert latest() == 102


@fact("register validation order and messages (400 records latest)")
def _():
    cases = [
        ({"username": "", "email": "", "pwd": ""}, "You have to enter a username"),
        ({"username": "newbie", "email": "", "pwd": ""}, "You have to enter a valid email address"),
        ({"username": "newbie", "email": "no-at-sign", "pwd": "x"}, "You have to enter a valid email address"),
        ({"username": "newbie", "email": "n@x.org", "pwd": ""}, "You have to enter a password"),
        ({"username": "alice", "email": "a@x.org", "pwd": "p"}, "The username is already taken"),
    ]
    for i, (body, msg) in enumerate(cases):
        expect(call("POST", f"/register?latest={200 + i}", body, auth=None), 400,
               {"status": 400, "error_msg": msg}, f"register {body}")
    assert latest() == 204, f"latest {latest()}"


@fact("register succeeds with 204 and an empty body")
def _():
    expect(call("POST", "/register?latest=205", {"username": "Zoë Ünicode", "email": "z@x.org", "pwd": "p"},
                auth=None), 204, None, "register")


@fact("malformed JSON, wrong types and missing keys are 400 JSON errors")
def _():
    bad = [
        ("POST", "/register", b"{not json"),
        ("POST", "/register", b'{"username": 5, "email": "a@b", "pwd": "x"}'),
        ("POST", "/register", b'{"username": "x", "email": "a@b"}'),
        ("POST", "/register", b"[]"),
        ("POST", "/register", b""),
        ("POST", "/msgs/alice", b"{"),
        ("POST", "/msgs/alice", b'{"content": null}'),
        ("POST", "/msgs/alice", b'{"text": "x"}'),
        ("POST", "/fllws/alice", b"\xff\xfe"),
        ("POST", "/fllws/alice", b"{}"),
        ("POST", "/fllws/alice", b'{"follow": 7}'),
        ("POST", "/fllws/alice", b'"follow"'),
    ]
    for m, p, raw in bad:
        expect(call(m, p, raw=raw), 400, error_with(400), f"{m} {p} {raw!r}")


@fact("404 for unknown users (authorized)")
def _():
    expect(call("GET", "/msgs/nobody_xyz"), 404, error_with(404), "GET msgs")
    expect(call("POST", "/msgs/nobody_xyz", {"content": "x"}), 404, error_with(404), "POST msgs")
    expect(call("GET", "/fllws/nobody_xyz"), 404, error_with(404), "GET fllws")
    expect(call("POST", "/fllws/nobody_xyz", {"follow": "alice"}), 404, error_with(404), "POST fllws who")
    expect(call("POST", "/fllws/alice", {"follow": "nobody_xyz"}), 404, error_with(404), "POST fllws whom")
    expect(call("POST", "/fllws/alice", {"unfollow": "nobody_xyz"}), 404, error_with(404), "unfollow whom")


@fact("tweets round-trip exactly, newest first, pub_date integer seconds")
def _():
    text1 = "first \u00e6\u00f8\u00e5 \u4f60\u597d \U0001F600 <b>&\"'</b> \\n tab\t end"
    text2 = "second \u2014 \u00c5ngstr\u00f6m"
    before = int(time.time())
    expect(call("POST", f"/msgs/{q('Zoë Ünicode')}?latest=300", {"content": text1}), 204, None, "tweet 1")
    expect(call("POST", f"/msgs/{q('Zoë Ünicode')}?latest=301", {"content": text2}), 204, None, "tweet 2")
    status, ctype, body = call("GET", f"/msgs/{q('Zoë Ünicode')}?no=10")
    assert status == 200 and "application/json" in ctype, f"{status} {ctype}"
    msgs = json.loads(body)
    assert [m["content"] for m in msgs] == [text2, text1], f"got {msgs!r}"
    for m in msgs:
        assert m["user"] == "Zoë Ünicode", m
        assert isinstance(m["pub_date"], int) and abs(m["pub_date"] - before) < 300, m
    status, _, body = call("GET", "/msgs?no=1")
    top = json.loads(body)
    assert status == 200 and len(top) == 1 and top[0]["content"] == text2, f"GET /msgs?no=1 {top!r}"


@fact("no limits the number of messages; default 100")
def _():
    for i in range(3):
        expect(call("POST", "/msgs/alice", {"content": f"m{i}"}), 204, None, "tweet")
    status, _, body = call("GET", "/msgs/alice?no=2")
    assert status == 200 and [m["content"] for m in json.loads(body)] == ["m2", "m1"], body
    status, _, body = call("GET", "/msgs/alice?no=0")
    assert status == 200 and json.loads(body) == [], body
    status, _, body = call("GET", "/msgs/alice")
    assert status == 200 and len(json.loads(body)) == 3, body


@fact("follow twice lists once; unfollow of a pair not followed is 204; no limits follows")
def _():
    who = f"/fllws/{q('alice')}"
    for _ in range(2):
        expect(call("POST", who, {"follow": "Roger Histand"}), 204, None, "follow")
    expect(call("POST", who, {"follow": "Mikaela Chau"}), 204, None, "follow 2")
    expect(call("GET", who), 200, lambda b: sorted(b["follows"]) == ["Mikaela Chau", "Roger Histand"], "list")
    expect(call("GET", who + "?no=1"), 200, lambda b: len(b["follows"]) == 1, "no=1")
    expect(call("POST", who, {"unfollow": "Mikaela Chau"}), 204, None, "unfollow")
    expect(call("POST", who, {"unfollow": "Mikaela Chau"}), 204, None, "unfollow again")
    expect(call("GET", who), 200, {"follows": ["Roger Histand"]}, "after unfollow")


@fact("GET /msgs/<user> percent-decodes spaces")
def _():
    status, _, body = call("GET", "/msgs/Roger%20Histand")
    assert status == 200, status
    assert all(m["user"] == "Roger Histand" for m in json.loads(body)), body


@fact("NUL characters round-trip exactly or are rejected with 400 (never truncated)")
def _():
    status, _, body = call("POST", "/msgs/alice", {"content": "before\u0000after"})
    if status == 204:
        _, _, got = call("GET", "/msgs/alice?no=1")
        assert json.loads(got)[0]["content"] == "before\u0000after", f"stored as {json.loads(got)[0]!r}"
    else:
        expect((status, "application/json", body), 400, None, "tweet with NUL")
    status, _, body = call("POST", "/register", {"username": "nul\u0000name", "email": "n@x.org", "pwd": "p"},
                           auth=None)
    if status == 204:
        expect(call("GET", "/msgs/nul%00name"), 200, None, "registered NUL name")
        expect(call("GET", "/msgs/nul"), 404, None, "name truncated at NUL")
    else:
        assert status == 400, f"register with NUL: {status} {body!r}"
    # A name with a NUL in it is another (unknown) user, not an alias of the prefix.
    status, _, body = call("GET", "/msgs/alice%00suffix")
    assert status in (400, 404), f"GET /msgs/alice%00suffix -> {status} {body[:120]!r}, expected 404 (or 400)"


@fact("invalid UTF-8 in a path segment or form field is a 4xx, never a 5xx")
def _():
    cases = [
        ("GET", "/msgs/%FF", None, None),
        ("GET", "/fllws/%C3", None, None),
        ("POST", "/msgs/%FF%FE", b'{"content": "x"}', None),
        ("POST", "/fllws/%C3%28", b'{"follow": "alice"}', None),
        ("GET", "/%FF", None, None),
        ("GET", "/%FF/follow", None, None),
        ("POST", "/register", b"username=%FF&email=a%40b.c&password=x&password2=x", "application/x-www-form-urlencoded"),
        ("POST", "/login", b"username=%FF&password=x", "application/x-www-form-urlencoded"),
    ]
    bad = []
    for m, p, raw, ctype in cases:
        status, _, _ = call(m, p, raw=raw, headers={"Content-Type": ctype} if ctype else None)
        if not 400 <= status < 500:
            bad.append(f"{m} {p} {raw!r} -> {status}")
    assert not bad, "; ".join(bad)


@fact("concurrent registration of one name: exactly one 204, the rest 400 (or 503 when hashing sheds load)")
def _():
    from concurrent.futures import ThreadPoolExecutor
    body = {"username": "race-user", "email": "r@x.org", "pwd": "p"}
    with ThreadPoolExecutor(8) as pool:
        statuses = sorted(pool.map(lambda _: call("POST", "/register", body, auth=None)[0], range(8)))
    # The app bounds concurrent argon2 work (HASH_CONCURRENCY/HASH_QUEUE) and answers 503 with
    # Retry-After beyond it; what must never happen is a second 204 or any other status.
    assert statuses.count(204) == 1, f"statuses {statuses}"
    assert all(s in (400, 503) for s in statuses if s != 204), f"statuses {statuses}"
    assert statuses.count(400) >= 1, f"no request saw the name taken: {statuses}"
    with ThreadPoolExecutor(8) as pool:
        statuses = set(pool.map(lambda _: call("POST", "/fllws/race-user", {"follow": "alice"})[0], range(8)))
    assert statuses == {204}, f"concurrent follow statuses {statuses}"
    expect(call("GET", "/fllws/race-user"), 200, {"follows": ["alice"]}, "follows after race")


@fact("web: fixed paths win over /<username> (users named public, login, logout)")
def _():
    for name in ("public", "login", "logout", "register"):
        expect(call("POST", "/register", {"username": name, "email": f"{name}@x.org", "pwd": "p"}, auth=None),
               204, None, f"register {name}")
    status, _, body = call("GET", "/public", auth=None)
    assert status == 200 and b"<title>Public Timeline | MiniTwit</title>" in body, f"/public: {status} {body[:200]!r}"
    status, _, body = call("GET", "/login", auth=None)
    assert status == 200 and b"Sign In | MiniTwit" in body, f"/login: {status} {body[:200]!r}"
    status, _, _ = call("GET", "/logout", auth=None)
    assert status == 302, f"/logout: {status}"


for name, err in results:
    print(("ok   " if err is None else "FAIL ") + name + ("" if err is None else f"\n       {err}"))
failed = sum(1 for _, e in results if e)
print(f"{len(results) - failed} passed, {failed} failed")
sys.exit(1 if failed else 0)
