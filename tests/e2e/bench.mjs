// Benchmark of the built page: asset sizes (raw, gzip, brotli), time from navigation to a
// usable terminal in headless Chromium, and the time to restore a long saved session (200
// commands over an hour of virtual time, replayed from the journal on load).
// Usage: node tests/e2e/bench.mjs <dist dir> [runs]   (scripts/bench.sh builds dist/ and runs this)
//
// "Usable" = the terminal input exists and the default cluster has answered `kubectl get nodes`.
// The line is typed by an in-page script the moment the input appears, so the figures are the
// page's own `performance.now()` (milliseconds since navigation start), with no test-driver latency.
import { readdir, readFile, stat } from 'node:fs/promises';
import { join, relative, resolve } from 'node:path';
import { gzipSync, brotliCompressSync, constants } from 'node:zlib';
import { serveDir, launchBrowser } from './lib.mjs';

const dist = resolve(process.argv[2] ?? 'dist');
const runs = Number(process.argv[3] ?? 7);
const kb = (n) => `${(n / 1024).toFixed(1)} KiB`;

// Sizes: everything the first load fetches, then what is fetched later (explain data).
async function files(d) {
  const out = [];
  for (const name of await readdir(d)) {
    const path = join(d, name);
    if ((await stat(path)).isDirectory()) out.push(...(await files(path)));
    else out.push(path);
  }
  return out;
}
const totals = { raw: 0, gz: 0, br: 0 };
for (const path of (await files(dist)).sort()) {
  const name = relative(dist, path);
  if (name === 'favicon.svg' || name.startsWith('favicon-')) continue;
  const body = await readFile(path);
  const gz = gzipSync(body, { level: 9 }).length;
  const br = brotliCompressSync(body, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }).length;
  const lazy = name.startsWith('explain/');
  if (!lazy) { totals.raw += body.length; totals.gz += gz; totals.br += br; }
  const budget = name.endsWith('.wasm') ? '  (budget 1536 KiB brotli)' : lazy ? '  (fetched after start)' : '';
  console.log(`${name.padEnd(44)} raw ${kb(body.length).padStart(11)}  gzip ${kb(gz).padStart(10)}  brotli ${kb(br).padStart(10)}${budget}`);
}
console.log(`${'first load, all files'.padEnd(44)} raw ${kb(totals.raw).padStart(11)}  gzip ${kb(totals.gz).padStart(10)}  brotli ${kb(totals.br).padStart(10)}`);

// Time to a usable terminal.
const probe = () => {
  const marks = (window.__bench = {});
  const observer = new MutationObserver(() => {
    const input = document.getElementById('terminal-input');
    if (input && marks.input === undefined) {
      marks.input = performance.now();
      input.value = 'kubectl get nodes';
      input.dispatchEvent(new KeyboardEvent('keydown', { key: 'Enter', bubbles: true }));
    }
    const out = document.querySelector('.terminal-entry .terminal-stdout');
    if (marks.input !== undefined && out && out.textContent.includes('kubeplay-control-plane')) {
      marks.answered = performance.now();
      observer.disconnect();
    }
  });
  observer.observe(document, { childList: true, subtree: true });
};

const server = await serveDir(dist);
const browser = await launchBrowser();
const rows = [];
try {
  await browser.context.addInitScript(probe);
  for (let i = 0; i < runs; i++) {
    const page = await browser.context.newPage();
    await page.goto(server.url);
    await page.waitForFunction(() => window.__bench?.answered !== undefined, null, { timeout: 20000 });
    const row = await page.evaluate(() => {
      const wasm = performance.getEntriesByType('resource').find((e) => e.name.endsWith('.wasm'));
      return { wasm: wasm?.responseEnd ?? NaN, input: window.__bench.input, answered: window.__bench.answered };
    });
    rows.push(row);
    console.log(`run ${i + 1}: wasm loaded ${row.wasm.toFixed(0)} ms, input shown ${row.input.toFixed(0)} ms, ` +
      `kubectl get nodes answered ${row.answered.toFixed(0)} ms`);
    await page.close();
  }
} finally {
  await browser.close();
  await server.close();
}
// Restoring a long session: 200 commands over an hour of virtual time, as the journal stores
// them (the clock's advances between commands merged), replayed by the page on load.
const LINES = [
  (i) => `kubectl create deployment app${i} --image=nginx --replicas=3`,
  (i) => `kubectl get pods -o wide`,
  (i) => `kubectl scale deployment app${i - 2} --replicas=5`,
  (i) => `kubectl get events`,
  (i) => `kubectl describe deployment app${i - 4}`,
  (i) => `kubectl expose deployment app${i - 5} --port=80`,
  (i) => `kubectl get all`,
  (i) => `kubectl delete deployment app${i - 7}`,
];
const steps = [];
for (let i = 0; i < 200; i++) {
  steps.push({ k: 'advance', ms: 18000 });
  steps.push({ k: 'exec', tab: 1, line: LINES[i % LINES.length](i - (i % LINES.length)) });
}
const journal = JSON.stringify({ v: 1, seed: 1, steps });
const restore = [];
const server2 = await serveDir(dist);
const browser2 = await launchBrowser();
try {
  const page = await browser2.context.newPage();
  await page.goto(server2.url);
  await page.waitForSelector('#terminal-input');
  for (let i = 0; i < Math.max(3, Math.min(runs, 5)); i++) {
    // Leave the app first (it saves its own journal when hidden), then plant the long one.
    await page.goto(server2.url + 'manifest.webmanifest');
    await page.evaluate((j) => { localStorage.clear(); localStorage.setItem('kubeplay.journal', j); }, journal);
    await page.goto(server2.url);
    await page.waitForFunction(() => document.documentElement.dataset.restoreMs !== undefined, null, { timeout: 120000 });
    const ms = Number(await page.evaluate(() => document.documentElement.dataset.restoreMs));
    const entries = await page.locator('.terminal-entry').count();
    restore.push(ms);
    console.log(`restore run ${i + 1}: 200 commands over 1 h of virtual time replayed in ${ms} ms (${entries} entries shown)`);
  }
} finally {
  await browser2.close();
  await server2.close();
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const warm = rows.slice(1); // the first run also pays for starting the renderer process
console.log(`time to usable terminal: median ${median(warm.map((r) => r.answered)).toFixed(0)} ms over ${warm.length} warm runs ` +
  `(min ${Math.min(...warm.map((r) => r.answered)).toFixed(0)} ms, first run ${rows[0].answered.toFixed(0)} ms); budget 1000 ms`);
console.log(`restore of a 200-command, 1 h session: median ${median(restore).toFixed(0)} ms over ${restore.length} runs`);
