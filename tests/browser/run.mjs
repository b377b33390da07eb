// Browser and document checks against a private stack (scripts/stack), run
// by scripts/run-tests after the C++ suites:
//   - the served OpenAPI document is valid OpenAPI 3.1 (swagger-parser), and
//     Redocly CLI's recommended rules (redocly.yaml) find neither an error nor
//     a warning in it;
//   - /docs (Swagger UI, served by nginx under its CSP) shows every operation
//     in headless Chromium, with no console error or CSP violation;
//   - a page on an allowed CORS origin registers, logs in and reads /auth/me;
//   - a page on another origin is blocked by the browser.
// Screenshots go to var/browser-tests/. Ends with "browser: N passed, N failed".
//
// Environment: RESTD_BIN (default bin/restd), BROWSER_STACK_DIR (default
// var/browser-stack), CHROMIUM (default /usr/bin/chromium).
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import SwaggerParser from '@apidevtools/swagger-parser';
import { chromium } from 'playwright-core';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const stackDir = process.env.BROWSER_STACK_DIR || path.join(repo, 'var/browser-stack');
const outDir = path.join(repo, 'var/browser-tests');
const chromiumPath = process.env.CHROMIUM || '/usr/bin/chromium';
const stackScript = path.join(repo, 'scripts/stack');

const results = [];
async function check(name, fn) {
  try {
    await fn();
    results.push({ name, ok: true });
    console.log(`ok   ${name}`);
  } catch (error) {
    results.push({ name, ok: false });
    console.log(`FAIL ${name}\n     ${String(error && error.stack ? error.stack : error).split('\n').join('\n     ')}`);
  }
}
function assert(condition, message) {
  if (!condition) throw new Error(message);
}

// A blank page on its own origin: the "browser client" of the CORS checks.
function originServer() {
  return new Promise((resolve) => {
    const server = http.createServer((req, res) => {
      res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' });
      res.end('<!doctype html><title>client</title><p>client page</p>');
    });
    server.listen(0, '127.0.0.1', () => resolve(server));
  });
}

function stack(command, env) {
  return execFileSync(stackScript, [command], { env, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

function readEnv(file) {
  const env = {};
  for (const line of fs.readFileSync(file, 'utf8').split('\n')) {
    const m = line.match(/^([A-Z_]+)=(.*)$/);
    if (m) env[m[1]] = m[2].replace(/^'(.*)'$/, '$1');
  }
  return env;
}

const allowedServer = await originServer();
const otherServer = await originServer();
const allowed = `http://127.0.0.1:${allowedServer.address().port}`;
const other = `http://127.0.0.1:${otherServer.address().port}`;
const env = {
  ...process.env,
  STACK_DIR: stackDir,
  CLIENT_URL: allowed,
  RESTD_BIN: process.env.RESTD_BIN || path.join(repo, 'bin/restd'),
  BCRYPT_COST: '4',
};
delete env.HTTP_PORT;
delete env.HTTPS_PORT;

let browser;
try {
  stack('stop', env);
  fs.rmSync(stackDir, { recursive: true, force: true });
  fs.mkdirSync(outDir, { recursive: true });
  try {
    stack('start', env);
  } catch (error) {
    throw new Error(`scripts/stack start failed: ${error.stderr || error.message}`);
  }
  const base = readEnv(path.join(stackDir, 'stack.env')).BASE_URL;
  assert(base, 'stack.env has no BASE_URL');

  let documentText;
  await check('the served document is valid OpenAPI 3.1', async () => {
    const response = await fetch(`${base}/api/v1/openapi.json`);
    assert(response.status === 200, `openapi.json: ${response.status}`);
    documentText = await response.text();
    const api = await SwaggerParser.validate(JSON.parse(documentText));
    assert(api.openapi === '3.1.0', `openapi is ${api.openapi}`);
  });
  await check('Redocly CLI lints the served document with no error or warning', async () => {
    assert(documentText, 'no document (see the check above)');
    const file = path.join(outDir, 'openapi.json');
    fs.writeFileSync(file, documentText);
    const redocly = path.join(repo, 'tests/browser/node_modules/.bin/redocly');
    let output;
    try {
      output = execFileSync(redocly, ['lint', '--config', path.join(repo, 'tests/browser/redocly.yaml'),
        '--format', 'json', file], {
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'pipe'],
        env: { ...process.env, REDOCLY_TELEMETRY: 'off', REDOCLY_SUPPRESS_UPDATE_NOTICE: 'true' },
      });
    } catch (error) {
      // Exit status 1 is "errors found": the JSON report is still on stdout.
      output = error.stdout || '';
      if (!output) throw new Error(`redocly lint failed: ${error.stderr || error.message}`);
    }
    const report = JSON.parse(output);
    const { errors, warnings } = report.totals;
    const problems = report.problems.map((p) => `${p.severity} ${p.ruleId}: ${p.message} ` +
      `(${p.location.map((l) => l.pointer).join(', ')})`);
    assert(errors === 0 && warnings === 0,
      `${errors} errors, ${warnings} warnings:\n${problems.join('\n')}`);
  });
  const operations = documentText
    ? Object.values(JSON.parse(documentText).paths).reduce((n, ops) => n + Object.keys(ops).length, 0)
    : 0;

  let launchError;
  try {
    browser = await chromium.launch({
      executablePath: chromiumPath,
      headless: true,
      // As root (CI) Chromium refuses its own sandbox.
      args: process.getuid && process.getuid() === 0 ? ['--no-sandbox'] : [],
    });
  } catch (error) {
    launchError = error;
  }
  const needBrowser = () => {
    if (launchError) throw new Error(`chromium cannot start (${chromiumPath}): ${launchError.message}`);
  };

  await check('/docs shows every operation under its CSP, without console errors', async () => {
    needBrowser();
    const page = await browser.newPage();
    const problems = [];
    page.on('console', (m) => { if (m.type() === 'error') problems.push(m.text()); });
    page.on('pageerror', (e) => problems.push(String(e)));
    page.on('response', (r) => { if (r.status() >= 400) problems.push(`${r.status()} ${r.url()}`); });
    const response = await page.goto(`${base}/docs/`);
    assert(response.status() === 200, `/docs/: ${response.status()}`);
    const csp = response.headers()['content-security-policy'] || '';
    assert(csp.includes("script-src 'self'") && !csp.includes('unsafe-inline'), `CSP: ${csp}`);
    await page.waitForFunction((n) => document.querySelectorAll('.opblock').length >= n, operations, { timeout: 20000 });
    const shown = await page.locator('.opblock').count();
    assert(shown === operations, `${shown} operations shown, the document has ${operations}`);
    assert(await page.getByText('/api/v1/auth/login').count() > 0, 'login operation not shown');
    await page.screenshot({ path: path.join(outDir, 'docs.png'), fullPage: true });
    assert(problems.length === 0, `console errors: ${problems.join(' | ')}`);
    await page.close();
  });

  await check('a page on an allowed origin registers, logs in and reads /auth/me', async () => {
    needBrowser();
    const page = await browser.newPage();
    await page.goto(`${allowed}/`);
    const email = `browser${Date.now()}@example.com`;
    const outcome = await page.evaluate(async ({ base, email }) => {
      const json = { 'Content-Type': 'application/json' };
      const reg = await fetch(`${base}/api/v1/auth/register`, {
        method: 'POST', headers: json,
        body: JSON.stringify({ email, username: `b${Date.now()}`, password: 'Password123' }),
      });
      const login = await fetch(`${base}/api/v1/auth/login`, {
        method: 'POST', headers: json, body: JSON.stringify({ email, password: 'Password123' }),
      });
      const token = (await login.json()).data.token;
      const me = await fetch(`${base}/api/v1/auth/me`, { headers: { Authorization: `Bearer ${token}` } });
      return { register: reg.status, login: login.status, me: me.status, body: await me.json(),
               requestId: me.headers.get('X-Request-ID') };
    }, { base, email });
    assert(outcome.register === 201, `register: ${outcome.register}`);
    assert(outcome.login === 200, `login: ${outcome.login}`);
    assert(outcome.me === 200 && outcome.body.data.email === email, `me: ${JSON.stringify(outcome)}`);
    assert(outcome.requestId, 'X-Request-ID is not exposed to the page');
    await page.screenshot({ path: path.join(outDir, 'allowed-origin.png') });
    await page.close();
  });

  await check('a page on another origin is blocked by the browser', async () => {
    needBrowser();
    const page = await browser.newPage();
    await page.goto(`${other}/`);
    const outcome = await page.evaluate(async (base) => {
      try {
        const response = await fetch(`${base}/api/v1/auth/me`, { headers: { Authorization: 'Bearer x.y.z' } });
        return `not blocked: ${response.status}`;
      } catch (error) {
        return `blocked: ${error.name}`;
      }
    }, base);
    assert(outcome === 'blocked: TypeError', outcome);
    // A simple GET without credentials headers is blocked from reading too.
    const simple = await page.evaluate(async (base) => {
      try { await (await fetch(`${base}/health`)).text(); return 'readable'; } catch { return 'blocked'; }
    }, base);
    assert(simple === 'blocked', `GET /health from another origin: ${simple}`);
    await page.close();
  });
} catch (error) {
  results.push({ name: 'setup', ok: false });
  console.log(`FAIL setup\n     ${error.message}`);
} finally {
  if (browser) await browser.close().catch(() => {});
  allowedServer.close();
  otherServer.close();
  try { stack('stop', env); } catch (error) { console.log(`stack stop failed: ${error.message}`); }
}

const passed = results.filter((r) => r.ok).length;
const failed = results.length - passed;
console.log(`browser: ${passed} passed, ${failed} failed`);
process.exit(failed === 0 ? 0 : 1);
