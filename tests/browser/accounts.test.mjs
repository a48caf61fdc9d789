// Browser test: accounts and comments in Debian's chromium, and hostile
// text that must render as text and never run.
//
// A fresh database gets the import fixture plus an article whose source,
// title, text and HTML carry XSS payloads; `gazette serve` listens on a free
// loopback port.  The browser signs up, logs out, logs in, comments and
// replies (with JavaScript, then without), posts a comment full of payloads
// and reads the hostile article.  The test fails on any dialog, page error,
// console error, script or event handler that did not come from us, and on
// any request that would leave this machine (those are aborted).
// Screenshots: tests/browser/artifacts/*.png.
import { chromium } from 'playwright-core';
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const GZ = process.env.GAZETTE;
const SRC = process.env.GZ_SOURCE_DIR;
const CHROMIUM = process.env.GZ_CHROMIUM || '/usr/bin/chromium';
const here = path.dirname(fileURLToPath(import.meta.url));
const artifacts = path.join(here, 'artifacts');
const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync'];

if (!GZ || !SRC) {
  console.error('FAIL: set GAZETTE (the binary) and GZ_SOURCE_DIR');
  process.exit(1);
}

const failures = [];
let checks = 0;
function check(cond, what) {
  checks++;
  if (!cond) {
    failures.push(what);
    console.error('FAIL:', what);
  }
}

// Payloads: classic ones and a handful from OWASP's XSS filter evasion cheat sheet.
const PAYLOADS = [
  '<script>alert(1)</script>',
  '<img src=x onerror=alert(1)>',
  '<svg onload=alert(1)>',
  '<svg/onload=alert(\'XSS\')>',
  '<a href="javascript:alert(1)">click me</a>',
  'javascript:alert(1)',
  '<IMG SRC="javascript:alert(\'XSS\');">',
  '<IMG SRC=JaVaScRiPt:alert(\'XSS\')>',
  '<IMG SRC=&#106;&#97;&#118;&#97;&#115;&#99;&#114;&#105;&#112;&#116;&#58;&#97;&#108;&#101;&#114;&#116;&#40;&#39;&#88;&#83;&#83;&#39;&#41;>',
  '<a href="jav&#x09;ascript:alert(\'XSS\');">tab</a>',
  '<<SCRIPT>alert("XSS");//<</SCRIPT>',
  '"><script>alert(document.cookie)</script>',
  '<BODY ONLOAD=alert(\'XSS\')>',
  '<IFRAME SRC="javascript:alert(\'XSS\');"></IFRAME>',
  '<INPUT TYPE="IMAGE" SRC="javascript:alert(\'XSS\');">',
  '<DIV STYLE="background-image: url(javascript:alert(\'XSS\'))">div</DIV>',
  '<details open ontoggle=alert(1)>',
  '<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>',
  '</textarea><script>alert(1)</script>',
  '<img src=x onerror="window.__xss=1">',
  '<style>@import "javascript:alert(1)";</style>',
];
const HOSTILE = PAYLOADS.join('\n');

const tmp = mkdtempSync(path.join(tmpdir(), 'gz-browser-'));
const db = path.join(tmp, 'g.db');
const xssFile = path.join(tmp, 'xss.jsonl');
writeFileSync(xssFile, JSON.stringify({
  id: 'xss1',
  source: 'Hostile <script>alert("source")</script> Source',
  url: 'http://127.0.0.1:9/xss-probe',
  published: '2025-08-07T10:00:00Z',
  title: 'XSS probe <svg onload=alert(1)> <img src=x onerror=alert(2)> <script>alert(3)</script>',
  html: '<p>Sanitized body.</p><p><a href="javascript:alert(1)">js link</a> ' +
    '<a href="https://127.0.0.1:9/ok">ok link</a></p>' + PAYLOADS.join('<br>'),
}) + '\n');
for (const f of [path.join(SRC, 'tests/cases/import/basic.jsonl'), xssFile]) {
  spawnSync(GZ, ['import', f, '--db', db], { stdio: 'ignore' });
}

const server = spawn(GZ, ['serve', '--db', db, '--listen', '127.0.0.1:0', '--log-level', 'warn'],
  { stdio: ['ignore', 'pipe', 'inherit'] });
const port = await new Promise((resolve, reject) => {
  let seen = '';
  server.stdout.on('data', (d) => {
    seen += d;
    const m = /port (\d+)/.exec(seen);
    if (m) resolve(Number(m[1]));
  });
  server.on('exit', (code) => reject(new Error('serve exited early: ' + code)));
  setTimeout(() => reject(new Error('serve printed no port')), 10000);
});
const BASE = `http://127.0.0.1:${port}`;
mkdirSync(artifacts, { recursive: true });

async function openBrowser(name, options = {}) {
  const dir = mkdtempSync(path.join(tmpdir(), 'gz-chromium-'));
  const ctx = await chromium.launchPersistentContext(dir, {
    executablePath: CHROMIUM, args: ARGS, headless: true, viewport: { width: 1100, height: 900 },
    ...options,
  });
  // nothing may leave this machine: every request not to our server is aborted
  await ctx.route('**/*', (route) => {
    const url = route.request().url();
    if (url.startsWith(BASE + '/')) return route.continue();
    if (!/^http:\/\/127\.0\.0\.1[:/]/.test(url)) check(false, `${name}: request off this machine: ${url}`);
    return route.abort();
  });
  const page = ctx.pages()[0] || await ctx.newPage();
  page.setDefaultTimeout(10000);
  page.on('dialog', async (d) => {
    check(false, `${name}: a ${d.type()} dialog opened: "${d.message()}" on ${page.url()}`);
    await d.dismiss().catch(() => {});
  });
  page.on('pageerror', (e) => check(false, `${name}: script error on ${page.url()}: ${e.message}`));
  page.on('console', (m) => {
    // aborted images of the hostile article and 4xx pages log "Failed to load resource"
    if (m.type() === 'error' && !/^Failed to load resource/.test(m.text())) {
      check(false, `${name}: console error on ${page.url()}: ${m.text()}`);
    }
  });
  return { ctx, page, dir };
}

async function closeBrowser(b) {
  await b.ctx.close();
  rmSync(b.dir, { recursive: true, force: true });
}

// Nothing on the page may run or load script but ours.
async function domIsClean(page, what) {
  const bad = await page.evaluate(() => {
    const out = [];
    for (const s of document.querySelectorAll('script')) {
      if (s.getAttribute('src') !== '/static/comments.js') out.push('script ' + s.outerHTML.slice(0, 80));
    }
    for (const el of document.querySelectorAll('*')) {
      for (const a of el.attributes) {
        if (/^on/i.test(a.name)) out.push(`handler ${a.name} on <${el.tagName.toLowerCase()}>`);
        if (/^(href|src|action|formaction|data|background|poster)$/i.test(a.name) &&
            /^\s*(javascript|vbscript|data):/i.test(a.value.replace(/[\t\n\r]/g, ''))) {
          out.push(`${a.name}="${a.value}" on <${el.tagName.toLowerCase()}>`);
        }
      }
    }
    for (const el of document.querySelectorAll('iframe, object, embed, frame, base, svg, math, style, meta[http-equiv]')) {
      // the one SVG gazette draws itself: the story page's coverage chart (no script in it)
      if (el.matches('section.timeline > figure > svg.timeline') && !el.querySelector('script, foreignObject'))
        continue;
      out.push('element <' + el.tagName.toLowerCase() + '>');
    }
    if (window.__xss) out.push('window.__xss was set');
    return out;
  });
  for (const b of bad) check(false, `${what}: ${b}`);
}

let last = Date.now();
function step(name) {
  if (process.env.GZ_BROWSER_TIMING) console.log(`${((Date.now() - last) / 1000).toFixed(2)} s  ${name}`);
  last = Date.now();
}

// Click something that submits a form and wait for the page it leads to
// (the URL alone cannot tell: it may not change, or match already).
async function submit(page, target) {
  const clickable = typeof target === 'string' ? page.locator(target) : target;
  await Promise.all([page.waitForEvent('load'), clickable.click()]);
}

async function shot(page, name) {
  step(name);
  await page.screenshot({ path: path.join(artifacts, name + '.png'), fullPage: true });
}

const PASSWORD = 'reader-password-1';
const started = Date.now();
let articleUrl = '';
let firstComment = '';
try {
  // ---- with JavaScript ----
  const b = await openBrowser('js');
  const page = b.page;
  await page.goto(BASE + '/');
  check(await page.locator('nav.account a', { hasText: 'Log in' }).count() === 1, 'front page: Log in link');
  check(await page.locator('nav.account a', { hasText: 'Sign up' }).count() === 1, 'front page: Sign up link');
  await domIsClean(page, 'front page');
  await shot(page, '01-front');

  // the front page lists stories: open the story, then its article
  await page.locator('a', { hasText: 'Leaders of Azerbaijan and Armenia' }).first().click();
  await page.waitForURL(/\/story\/\d+$/);
  await domIsClean(page, 'story page');
  await shot(page, '01b-story');
  await page.locator('a[href^="/article/"]', { hasText: 'Leaders of Azerbaijan and Armenia' }).first().click();
  await page.waitForURL(/\/article\/\d+$/);
  articleUrl = page.url();
  check(await page.locator('h1', { hasText: 'Leaders of Azerbaijan' }).count() === 1, 'article page opened');
  check(await page.getByText('Log in to comment').count() === 1, 'anonymous: "Log in to comment"');
  check(await page.getByText('No comments yet...').count() === 1, 'no comments yet');
  await shot(page, '02-article-anonymous');

  // sign up from the comments section: back to the article afterwards
  await page.locator('.login-to-comment a', { hasText: 'sign up' }).click();
  await page.waitForURL(/\/signup\?next=/);
  await page.fill('#name', 'reader');
  await page.fill('#password', PASSWORD);
  await page.fill('#password2', PASSWORD);
  await shot(page, '03-signup');
  await submit(page, 'main button[type=submit]');
  check(new URL(page.url()).pathname === new URL(articleUrl).pathname, 'sign-up returns to the article');
  check((await page.locator('nav.account .user').textContent()) === 'reader', 'signed up and signed in');
  const cookies = await b.ctx.cookies(BASE);
  const sess = cookies.find((c) => c.name === 'gz_session');
  check(sess && sess.httpOnly && sess.sameSite === 'Lax', 'session cookie is HttpOnly, SameSite=Lax');
  check(await page.evaluate(() => document.cookie) === '', 'scripts cannot read any cookie');

  // log out, then log in again through "Log in to comment"
  await submit(page, 'nav.account button:has-text("Log out")');
  check(page.url() === BASE + '/', 'log-out leads to the front page');
  check(await page.locator('nav.account a', { hasText: 'Log in' }).count() === 1, 'logged out');
  await page.goto(articleUrl);
  await page.click('text=Log in to comment');
  await page.waitForURL(/\/login\?next=/);
  await page.fill('#name', 'READER');
  await page.fill('#password', 'wrong-password');
  await submit(page, 'main button[type=submit]');
  check(await page.getByText('Wrong name or password.').count() === 1, 'wrong password refused');
  await shot(page, '04-login-refused');
  await page.fill('#password', PASSWORD);
  await submit(page, 'main button[type=submit]');
  check(new URL(page.url()).pathname === new URL(articleUrl).pathname, 'log-in returns to the article');
  check((await page.locator('nav.account .user').textContent()) === 'reader', 'logged in');

  // comment: the counter (JavaScript) counts down
  const counter = page.locator('#comment-body + .count');
  check((await counter.textContent()) === '5000 characters left', 'character counter shown');
  const first = 'A first comment.\nSecond line, see https://127.0.0.1:9/page.';
  await page.fill('#comment-body', first);
  check((await counter.textContent()) === `${5000 - first.length} characters left`,
    'counter follows typing: ' + await counter.textContent());
  await submit(page, 'form.comment-form:has(#comment-body) button[type=submit]');
  check(/^#c\d+$/.test(new URL(page.url()).hash), 'posting leads to the comment: ' + page.url());
  firstComment = new URL(page.url()).hash.slice(1);
  const c1 = page.locator('#' + firstComment);
  check((await c1.locator('.comment-body').innerText()).includes('A first comment.\nSecond line'), 'comment shown with its line break');
  const link = c1.locator('.comment-body a');
  check((await link.getAttribute('rel')) === 'nofollow ugc noopener' &&
        (await link.getAttribute('href')) === 'https://127.0.0.1:9/page', 'link made clickable');

  // reply: opening the form focuses its box (JavaScript), the reply nests
  await c1.locator('> .actions details.reply > summary').click();
  const replyBox = '#reply-' + firstComment.slice(1);
  await page.waitForFunction((sel) => document.activeElement === document.querySelector(sel), replyBox);
  await page.keyboard.type('A reply, typed.');
  await submit(page, c1.locator('> .actions details.reply button[type=submit]'));
  check(/^#c\d+$/.test(new URL(page.url()).hash) && new URL(page.url()).hash !== '#' + firstComment,
    'replying leads to the reply');
  const replyId = new URL(page.url()).hash.slice(1);
  check(await page.locator(`#${firstComment} > ol.replies > li#${replyId}`).count() === 1, 'reply nested under its comment');
  check((await page.locator(`#${replyId} .comment-body`).innerText()).trim() === 'A reply, typed.', 'reply text shown');
  await domIsClean(page, 'article with comments');
  await shot(page, '05-article-comments');

  // a comment made of payloads is shown as text
  await page.fill('#comment-body', HOSTILE);
  await submit(page, 'form.comment-form:has(#comment-body) button[type=submit]');
  const hostileId = new URL(page.url()).hash.slice(1);
  const shown = await page.locator(`#${hostileId} .comment-body`).innerText();
  for (const p of PAYLOADS) check(shown.includes(p), 'payload shown as text: ' + p);
  // the edit form gives the text back intact (the </textarea> payload stays inside)
  await page.locator(`#${hostileId} > .actions details.edit > summary`).click();
  const editText = await page.inputValue('#edit-' + hostileId.slice(1));
  check(editText === HOSTILE, 'edit box holds the exact text');
  await domIsClean(page, 'article with a hostile comment');
  await shot(page, '06-hostile-comment');

  // the hostile article: its source, title and body render as text
  await page.goto(BASE + '/');
  await domIsClean(page, 'front page with the hostile article');
  await page.goto(BASE + '/latest');
  const probe = page.locator('a', { hasText: 'XSS probe' }).first();
  check(await probe.count() === 1, 'hostile article listed with its title as text');
  await domIsClean(page, 'latest articles with the hostile article');
  await probe.click();
  await page.waitForURL(/\/article\/\d+$/);
  check((await page.locator('h1').innerText()).includes('<svg onload=alert(1)> <img src=x onerror=alert(2)>'), 'hostile title shown as text');
  check((await page.locator('.meta .source').first().innerText()).includes('<script>'), 'hostile source name shown as text');
  check(await page.locator('article.full .body').getByText('Sanitized body.').count() === 1,
        'sanitized body shown');
  check(await page.locator('article.full .body').getByText('js link').count() === 1 &&
        await page.locator('a[href*="javascript" i]').count() === 0, 'javascript: link defused');
  await domIsClean(page, 'hostile article');
  check(await page.evaluate(() => document.title).then((t) => t.startsWith('XSS probe <svg')), 'hostile <title> is text');
  await shot(page, '07-hostile-article');

  await page.goto(BASE + '/settings');
  await domIsClean(page, 'settings');
  await shot(page, '08-settings');
  await submit(page, 'nav.account button:has-text("Log out")');
  await page.goto(articleUrl);
  check(await page.getByText('Log in to comment').count() === 1, 'logged out again');
  check(await page.getByText('A reply, typed.').count() === 1, 'comments visible to visitors');
  await shot(page, '09-logged-out');

  // ---- without JavaScript: every form still works ----
  // (a second page of the same browser with script execution turned off,
  // which is cheaper than a second browser)
  const p2 = await b.ctx.newPage();
  p2.setDefaultTimeout(10000);
  const cdp = await b.ctx.newCDPSession(p2);
  await cdp.send('Emulation.setScriptExecutionDisabled', { value: true });
  await page.close();
  await p2.goto(BASE + '/login?next=' + encodeURIComponent(new URL(articleUrl).pathname));
  await p2.fill('#name', 'reader');
  await p2.fill('#password', PASSWORD);
  await submit(p2, 'main button[type=submit]');
  check(new URL(p2.url()).pathname === new URL(articleUrl).pathname, 'no-JS log-in returns to the article');
  check(await p2.locator('textarea').count() > 0 && await p2.locator('.count').count() === 0,
    'scripts really are off (no character counters)');
  const c1n = p2.locator('#' + firstComment);
  await c1n.locator('> .actions details.reply > summary').click();
  await p2.fill('#reply-' + firstComment.slice(1), 'A reply without JavaScript.');
  await submit(p2, c1n.locator('> .actions details.reply button[type=submit]'));
  check(await p2.locator(`#${firstComment} > ol.replies > li`, { hasText: 'A reply without JavaScript.' }).count() === 1,
    'reply posted without JavaScript');
  const noJsReply = new URL(p2.url()).hash.slice(1);
  await submit(p2, p2.locator(`#${noJsReply} form[action="/comment/delete"] button`));
  check(await p2.getByText('A reply without JavaScript.').count() === 0, 'deleted without JavaScript');
  await shot(p2, '10-no-javascript');
  await submit(p2, 'nav.account button:has-text("Log out")');
  check(await p2.locator('nav.account a', { hasText: 'Log in' }).count() === 1, 'logged out without JavaScript');
  await closeBrowser(b);
} catch (e) {
  check(false, 'browser flow stopped: ' + (e && e.stack ? e.stack : e));
} finally {
  server.kill('SIGTERM');
  await new Promise((r) => server.once('exit', r));
  rmSync(tmp, { recursive: true, force: true });
}

const secs = ((Date.now() - started) / 1000).toFixed(1);
console.log(`browser: ${checks} checks in ${secs} s; screenshots in ${path.relative(process.cwd(), artifacts) || artifacts}`);
console.log(`${checks - failures.length} passed, ${failures.length} failed`);
process.exit(failures.length ? 1 : 0);
