// The original MiniTwit UI flows (shared/MINITWIT.md, "Web UI") in Debian's headless
// chromium, driven by playwright-core. Needs APP_URL (a running app on an empty database)
// and ARTIFACTS (a directory for the screenshot). Exits 1 on the first failed assertion.
'use strict';

const assert = require('node:assert/strict');
const crypto = require('node:crypto');
const fs = require('node:fs');
const path = require('node:path');
const { withChromium } = require('./chromium');

const base = process.env.APP_URL;
const artifacts = process.env.ARTIFACTS || path.join(process.cwd(), 'artifacts');
if (!base) {
  console.error('APP_URL is not set');
  process.exit(2);
}

const alice = { username: 'alice', email: 'Alice@Example.com ', password: 'alice-pw' };
const roger = { username: 'Roger Histand', email: 'roger@example.com', password: 'roger-pw' };
const html = `<b>bold</b> & "double" 'single' <script>window.__xss = 1</script> æøå 😀`;

let steps = 0;
async function step(name, fn) {
  const started = Date.now();
  await fn();
  steps += 1;
  console.log(`ok   ${name} (${Date.now() - started} ms)`);
}

const serverErrors = [];

async function main() {
  fs.mkdirSync(artifacts, { recursive: true });
  await withChromium({ width: 1000, height: 900 }, async (context) => {
    // Only the app is reachable; Gravatar images and anything else are cut off at once.
    const origin = new URL(base).origin;
    await context.route('**/*', (route) =>
      route.request().url().startsWith(origin) ? route.continue() : route.abort());
    const page = context.pages()[0] || (await context.newPage());
    page.setDefaultTimeout(10000);
    page.on('response', (r) => { if (r.status() >= 500) serverErrors.push(`${r.status()} ${r.url()}`); });
    page.on('pageerror', (e) => serverErrors.push(`page error: ${e.message}`));
    await run(page, context);
    assert.deepEqual(serverErrors, [], `server errors: ${serverErrors.join(', ')}`);
  });
}

const text = async (page, selector) => (await page.locator(selector).allInnerTexts()).join('\n');

async function flashes(page) {
  return page.locator('ul.flashes li').allInnerTexts().then((t) => t.map((s) => s.trim()));
}

async function expectFlash(page, message) {
  const got = await flashes(page);
  assert.ok(got.includes(message), `flash ${JSON.stringify(message)} missing; flashes: ${JSON.stringify(got)}`);
}

async function expectPath(page, want) {
  const got = new URL(page.url()).pathname;
  assert.equal(decodeURIComponent(got), decodeURIComponent(want), `at ${page.url()}, expected path ${want}`);
}

async function expectTitle(page, pageName) {
  assert.equal((await page.title()).trim(), `${pageName} | MiniTwit`);
  assert.equal((await page.locator('h1').first().innerText()).trim(), 'MiniTwit');
}

async function navText(page) {
  // The navigation is the links between <h1> and the body: compare their texts.
  const links = await page.locator('div.navigation a').allInnerTexts();
  return links.map((s) => s.trim().replace(/\s+/g, ' '));
}

async function fillRegister(page, u, email, pw, pw2) {
  await page.goto(`${base}/register`);
  await page.fill('input[name=username]', u);
  await page.fill('input[name=email]', email);
  await page.fill('input[name=password]', pw);
  await page.fill('input[name=password2]', pw2);
  await Promise.all([page.waitForLoadState('load'), page.click('div.actions input[type=submit], div.actions button')]);
}

async function login(page, u, pw) {
  await page.goto(`${base}/login`);
  await page.fill('input[name=username]', u);
  await page.fill('input[name=password]', pw);
  await Promise.all([page.waitForLoadState('load'), page.click('div.actions input[type=submit], div.actions button')]);
}

async function logout(page) {
  await page.goto(`${base}/logout`);
  await expectPath(page, '/public');
  await expectFlash(page, 'You were logged out');
}

async function post(page, message) {
  await page.goto(`${base}/`);
  await page.fill('form[action$="/add_message"] input[name=text]', message);
  await Promise.all([page.waitForLoadState('load'), page.click('form[action$="/add_message"] input[type=submit], form[action$="/add_message"] button')]);
  await expectPath(page, '/');
  await expectFlash(page, 'Your message was recorded');
}

// One <li> of ul.messages as {author, text, small, img}.
async function messages(page) {
  return page.locator('ul.messages > li').evaluateAll((lis) => lis.map((li) => ({
    author: li.querySelector('strong a')?.textContent.trim() ?? null,
    href: li.querySelector('strong a')?.getAttribute('href') ?? null,
    img: li.querySelector('img')?.getAttribute('src') ?? null,
    small: li.querySelector('small')?.textContent.trim() ?? null,
    elements: [...li.querySelectorAll('*')].map((e) => e.tagName.toLowerCase()),
    text: li.textContent.replace(/\s+/g, ' ').trim(),
  })));
}

async function run(page, context) {
  await step('GET / logged out redirects to /public; empty timeline; logged-out navigation', async () => {
    const resp = await page.goto(`${base}/`);
    assert.equal(resp.status(), 200);
    await expectPath(page, '/public');
    await expectTitle(page, 'Public Timeline');
    assert.match(await text(page, 'ul.messages'), /There's no message so far\./);
    assert.deepEqual(await navText(page), ['public timeline', 'sign up', 'sign in']);
  });

  await step('register form: fields in order, submit in div.actions', async () => {
    await page.goto(`${base}/register`);
    await expectTitle(page, 'Sign Up');
    const names = await page.locator('form input[name]').evaluateAll((els) => els.map((e) => e.name));
    assert.deepEqual(names, ['username', 'email', 'password', 'password2']);
    assert.equal(await page.locator('div.actions input[type=submit], div.actions button').count(), 1);
  });

  await step('register validation errors (first failure wins)', async () => {
    const cases = [
      ['', 'a@b.c', 'x', 'x', 'You have to enter a username'],
      ['alice', 'no-at', 'x', 'x', 'You have to enter a valid email address'],
      ['alice', 'a@b.c', '', '', 'You have to enter a password'],
      ['alice', 'a@b.c', 'one', 'two', 'The two passwords do not match'],
    ];
    for (const [u, e, p, p2, msg] of cases) {
      await fillRegister(page, u, e, p, p2);
      await expectPath(page, '/register');
      assert.ok((await page.content()).includes(msg) || (await text(page, 'body')).includes(msg),
        `register ${JSON.stringify([u, e, p, p2])}: error ${JSON.stringify(msg)} not shown`);
    }
  });

  await step('register alice and "Roger Histand" -> /login with flash; taken name rejected', async () => {
    for (const u of [alice, roger]) {
      await fillRegister(page, u.username, u.email, u.password, u.password);
      await expectPath(page, '/login');
      await expectFlash(page, 'You were successfully registered and can login now');
    }
    await fillRegister(page, 'alice', 'x@y.z', 'p', 'p');
    assert.match(await text(page, 'body'), /The username is already taken/);
  });

  await step('login errors: Invalid username, Invalid password', async () => {
    await login(page, 'nobody-here', 'x');
    assert.match(await text(page, 'body'), /Invalid username/);
    await login(page, 'alice', 'wrong');
    assert.match(await text(page, 'body'), /Invalid password/);
  });

  await step('Roger logs in, posts, logs out', async () => {
    await login(page, roger.username, roger.password);
    await expectPath(page, '/');
    await expectFlash(page, 'You were logged in');
    await post(page, 'Hello from Roger');
    await logout(page);
  });

  await step('alice logs in: My Timeline, twitbox, logged-in navigation', async () => {
    await login(page, alice.username, alice.password);
    await expectPath(page, '/');
    await expectFlash(page, 'You were logged in');
    await expectTitle(page, 'My Timeline');
    assert.match(await text(page, 'body'), /What's on your mind alice\?/);
    assert.deepEqual(await navText(page), ['my timeline', 'public timeline', 'sign out [alice]']);
  });

  await step('a message with HTML is stored and rendered escaped', async () => {
    await post(page, html);
    const mine = (await messages(page)).find((m) => m.author === 'alice');
    assert.ok(mine, 'alice\'s message not on My Timeline');
    assert.ok(mine.text.includes(html), `rendered text ${JSON.stringify(mine.text)} lacks the literal message`);
    assert.ok(!mine.elements.includes('b') && !mine.elements.includes('script'),
      `message markup was interpreted: ${mine.elements}`);
    assert.equal(await page.evaluate(() => window.__xss), undefined, 'script in a message ran');
    const raw = await (await context.request.get(`${base}/`)).text();
    assert.ok(raw.includes('&lt;b&gt;bold&lt;/b&gt; &amp;'), 'raw HTML lacks &lt;b&gt;…&amp;');
    assert.ok(!raw.includes('<script>window.__xss'), 'raw HTML contains the unescaped script tag');
    // Gravatar: md5 of the trimmed lower-case email, identicon, size 48.
    const md5 = crypto.createHash('md5').update(alice.email.trim().toLowerCase()).digest('hex');
    assert.ok(mine.img && mine.img.includes(md5) && /d=identicon/.test(mine.img) && /s(ize)?=48/.test(mine.img),
      `gravatar src ${mine.img}, expected md5 ${md5}, d=identicon, s=48`);
    assert.match(mine.small, /^— \d{4}-\d{2}-\d{2} @ \d{2}:\d{2}$/, `date ${JSON.stringify(mine.small)}`);
    const today = new Date().toISOString().slice(0, 10);
    assert.ok(mine.small.includes(today), `date ${mine.small} is not today (UTC ${today})`);
    assert.equal(decodeURIComponent(mine.href), '/alice');
  });

  await step('own page says "This is you!"', async () => {
    await page.goto(`${base}/alice`);
    assert.match(await text(page, 'body'), /This is you!/);
  });

  await step('follow Roger from his page (reached by the author link on the public timeline)', async () => {
    await page.goto(`${base}/public`);
    await Promise.all([page.waitForLoadState('load'),
      page.locator('ul.messages strong a', { hasText: 'Roger Histand' }).first().click()]);
    await expectPath(page, '/Roger Histand');
    await expectTitle(page, "Roger Histand's Timeline");
    assert.match(await text(page, 'body'), /You are not yet following this user\./);
    await Promise.all([page.waitForLoadState('load'), page.getByRole('link', { name: 'Follow user' }).click()]);
    await expectPath(page, '/Roger Histand');
    await expectFlash(page, 'You are now following "Roger Histand"');
    assert.match(await text(page, 'body'), /You are currently following this user\./);
    const raw = await (await context.request.get(`${base}/Roger%20Histand/follow`)).text();
    assert.ok(raw.includes('You are now following &#34;Roger Histand&#34;'), 'flash quotes not escaped as &#34;');
  });

  await step('My Timeline shows own and followed users\' messages, newest first', async () => {
    await page.getByRole('link', { name: 'my timeline' }).click();
    await expectPath(page, '/');
    const ms = await messages(page);
    assert.deepEqual(ms.map((m) => m.author), ['alice', 'Roger Histand']);
    assert.ok(ms[1].text.includes('Hello from Roger'));
  });

  await step('unfollow Roger; his messages leave My Timeline', async () => {
    await page.goto(`${base}/${encodeURIComponent(roger.username)}`);
    await Promise.all([page.waitForLoadState('load'), page.getByRole('link', { name: 'Unfollow user' }).click()]);
    await expectPath(page, '/Roger Histand');
    await expectFlash(page, 'You are no longer following "Roger Histand"');
    assert.match(await text(page, 'body'), /You are not yet following this user\./);
    await page.goto(`${base}/`);
    assert.deepEqual((await messages(page)).map((m) => m.author), ['alice']);
  });

  await step('logout -> /public with flash, logged-out navigation', async () => {
    await page.getByRole('link', { name: /sign out/ }).click();
    await page.waitForLoadState('load');
    await expectPath(page, '/public');
    await expectFlash(page, 'You were logged out');
    assert.deepEqual(await navText(page), ['public timeline', 'sign up', 'sign in']);
  });

  await step('logged out: follow/unfollow/add_message are 401; unknown user is 404', async () => {
    const r = context.request;
    assert.equal((await r.get(`${base}/Roger%20Histand/follow`, { maxRedirects: 0 })).status(), 401);
    assert.equal((await r.get(`${base}/Roger%20Histand/unfollow`, { maxRedirects: 0 })).status(), 401);
    assert.equal((await r.post(`${base}/add_message`, { form: { text: 'x' }, maxRedirects: 0 })).status(), 401);
    assert.equal((await r.get(`${base}/no-such-user-here`, { maxRedirects: 0 })).status(), 404);
  });

  await step('public timeline lists both messages; screenshot kept', async () => {
    await page.goto(`${base}/public`);
    await expectTitle(page, 'Public Timeline');
    const ms = await messages(page);
    assert.deepEqual(ms.map((m) => m.author), ['alice', 'Roger Histand']);
    const shot = path.join(artifacts, 'public_timeline.png');
    await page.screenshot({ path: shot, fullPage: true });
    console.log(`screenshot: ${shot}`);
  });
}

main().then(() => {
  console.log(`${steps} passed, 0 failed`);
}).catch((err) => {
  console.error(`FAIL after ${steps} passed steps: ${err && err.stack ? err.stack : err}`);
  console.log(`${steps} passed, 1 failed`);
  process.exit(1);
});
