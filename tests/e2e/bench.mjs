// Benchmark of the built page: wasm size (raw, gzip, brotli) and time from navigation to a
// usable terminal in headless Chromium.
// Usage: node tests/e2e/bench.mjs <dist dir> [runs]   (scripts/bench.sh builds dist/ and runs this)
//
// "Usable" = the terminal input exists and the default cluster has answered `kubectl get nodes`.
// The line is typed by an in-page script the moment the input appears, so the figures are the
// page's own `performance.now()` (milliseconds since navigation start), with no test-driver latency.
import { readdir, readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { gzipSync, brotliCompressSync, constants } from 'node:zlib';
import { serveDir, launchBrowser } from './lib.mjs';

const dist = resolve(process.argv[2] ?? 'dist');
const runs = Number(process.argv[3] ?? 7);
const kb = (n) => `${(n / 1024).toFixed(1)} KiB`;

// Sizes.
const files = await readdir(dist);
for (const name of files.filter((f) => f.endsWith('.wasm') || f.endsWith('.js'))) {
  const body = await readFile(join(dist, name));
  const gz = gzipSync(body, { level: 9 }).length;
  const br = brotliCompressSync(body, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }).length;
  console.log(`${name.endsWith('.wasm') ? 'wasm' : 'js  '}  raw ${kb(body.length)}  gzip ${kb(gz)}  brotli ${kb(br)}  (${name})`);
}

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
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const warm = rows.slice(1); // the first run also pays for starting the renderer process
console.log(`time to usable terminal: median ${median(warm.map((r) => r.answered)).toFixed(0)} ms over ${warm.length} warm runs ` +
  `(min ${Math.min(...warm.map((r) => r.answered)).toFixed(0)} ms, first run ${rows[0].answered.toFixed(0)} ms); budget 1000 ms`);
