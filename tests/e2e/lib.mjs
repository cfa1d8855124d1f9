// Shared helpers for the browser tests and the benchmark: a tiny static file server for dist/,
// headless Debian Chromium driven by playwright-core, and terminal helpers for the page.
import { createServer } from 'node:http';
import { readFile, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, extname, normalize } from 'node:path';
import { chromium } from 'playwright-core';

const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.wasm': 'application/wasm',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.json': 'application/json',
  '.webmanifest': 'application/manifest+json',
};

/** Serves `dir` on 127.0.0.1 at a free port; resolves to { url, close }. */
export async function serveDir(dir) {
  const server = createServer(async (req, res) => {
    try {
      let path = decodeURIComponent(new URL(req.url, 'http://x').pathname);
      if (path.endsWith('/')) path += 'index.html';
      const file = join(dir, normalize(path).replace(/^(\.\.[/\\])+/, ''));
      const body = await readFile(file);
      res.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream', 'cache-control': 'no-store' });
      res.end(body);
    } catch {
      res.writeHead(404, { 'content-type': 'text/plain' });
      res.end('not found');
    }
  });
  await new Promise((ok) => server.listen(0, '127.0.0.1', ok));
  const { port } = server.address();
  return { url: `http://127.0.0.1:${port}/`, close: () => new Promise((ok) => server.close(ok)) };
}

/** Headless Debian Chromium with a fresh profile (flags from PRODUCT.md "Toolchain facts"). */
export async function launchBrowser() {
  const userDataDir = await mkdtemp(join(tmpdir(), 'kubeplay-chromium-'));
  const context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
    headless: true,
    viewport: { width: 1440, height: 900 },
    args: [
      '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync',
    ],
  });
  return {
    context,
    close: async () => {
      await context.close();
      await rm(userDataDir, { recursive: true, force: true });
    },
  };
}

/** Opens the page and collects console errors and uncaught exceptions into `errors`. */
export async function openPage(context, url, errors = []) {
  const page = context.pages()[0] ?? (await context.newPage());
  page.on('console', (msg) => { if (msg.type() === 'error') errors.push(`console: ${msg.text()}`); });
  page.on('pageerror', (err) => errors.push(`page error: ${err.message}`));
  await page.goto(url);
  await page.waitForSelector('#terminal-input', { timeout: 15000 });
  return page;
}

/** Types `line` into the terminal, presses Enter, and returns what that line printed. */
export async function run(page, line) {
  const before = await page.locator('.terminal-entry').count();
  await page.fill('#terminal-input', line);
  await page.press('#terminal-input', 'Enter');
  await page.waitForFunction((n) => document.querySelectorAll('.terminal-entry').length > n, before, { timeout: 10000 });
  const entry = page.locator('.terminal-entry').nth(before);
  const stdout = (await entry.locator('.terminal-stdout').allTextContents()).join('');
  const stderr = (await entry.locator('.terminal-stderr').allTextContents()).join('');
  return { stdout, stderr, exitCode: Number(await entry.getAttribute('data-exit-code')) };
}

/** A failed check (reported without a stack trace). */
export class Failure extends Error {}

/** Fails the test with `message` unless `ok`. */
export function check(ok, message) {
  if (!ok) throw new Failure(message);
}

/** Prints the name of the next step. */
export function step(name) {
  console.log(`  - ${name}`);
}

/**
 * Runs a test body, then checks that the page logged no errors, closes the browser and the
 * server and exits the process (1 on failure, after a screenshot tests/e2e/screenshots/<name>-failure.png).
 */
export async function finish(name, browser, server, errors, body) {
  let failed = false;
  try {
    await body();
    check(errors.length === 0, `the page logged errors:\n${errors.join('\n')}`);
    console.log(`${name}: all checks passed`);
  } catch (err) {
    failed = true;
    console.error(`${name} FAILED: ${err instanceof Failure ? err.message : err.stack}`);
    if (errors.length) console.error(`page errors:\n${errors.join('\n')}`);
    const page = browser.context.pages()[0];
    const { mkdir } = await import('node:fs/promises');
    const dir = new URL('./screenshots/', import.meta.url).pathname;
    await mkdir(dir, { recursive: true });
    if (page) await page.screenshot({ path: `${dir}${name}-failure.png` }).catch(() => {});
  } finally {
    await browser.close();
    await server.close();
  }
  process.exit(failed ? 1 : 0);
}

/** Pastes `text` into the terminal input (as Ctrl+V would) and returns what it printed, if it ran. */
export async function paste(page, text) {
  const before = await page.locator('.terminal-entry').count();
  await page.locator('#terminal-input').evaluate((el, text) => {
    const data = new DataTransfer();
    data.setData('text/plain', text);
    el.dispatchEvent(new ClipboardEvent('paste', { clipboardData: data, bubbles: true, cancelable: true }));
  }, text);
  if (!text.trim().includes('\n')) return null;
  await page.waitForFunction((n) => document.querySelectorAll('.terminal-entry').length > n, before, { timeout: 10000 });
  const entry = page.locator('.terminal-entry').nth(before);
  const stdout = (await entry.locator('.terminal-stdout').allTextContents()).join('');
  const stderr = (await entry.locator('.terminal-stderr').allTextContents()).join('');
  return { stdout, stderr, exitCode: Number(await entry.getAttribute('data-exit-code')) };
}
