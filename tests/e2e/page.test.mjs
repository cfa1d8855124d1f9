// End-to-end test of the kubeplay page in headless Chromium.
// Usage: node tests/e2e/page.test.mjs <dist dir>   (scripts/test.sh builds dist/ and runs this)
// Exits non-zero with a message on the first failed check. Screenshots go to tests/e2e/screenshots/.
import { mkdir } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { serveDir, launchBrowser, openPage, run } from './lib.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const dist = resolve(process.argv[2] ?? join(here, '../../dist'));
const shots = join(here, 'screenshots');
const ROLLOUT_TIMEOUT_MS = 30000;

class Failure extends Error {}
function check(ok, message) {
  if (!ok) throw new Failure(message);
}
function step(name) {
  console.log(`  - ${name}`);
}

/** STATUS column values of `kubectl get pods` rows whose name starts with `prefix`. */
function podStatuses(table, prefix) {
  return table.split('\n').slice(1)
    .map((line) => line.trim().split(/\s+/))
    .filter((cols) => cols[0]?.startsWith(prefix))
    .map((cols) => cols[2]);
}

const server = await serveDir(dist);
const browser = await launchBrowser();
const errors = [];
let page;
let failed = false;
try {
  await mkdir(shots, { recursive: true });
  step(`open ${server.url}`);
  page = await openPage(browser.context, server.url, errors);
  check(await page.locator('#terminal-input').evaluate((el) => el === document.activeElement),
    'the terminal input should have focus after load');
  check(await page.locator('svg.graph .node').count() === 3, 'the graph should show 3 nodes before any command');
  await page.screenshot({ path: join(shots, 'initial.png') });

  step('kubectl get nodes lists the three Ready nodes');
  let out = await run(page, 'kubectl get nodes');
  check(out.exitCode === 0 && out.stderr === '', `kubectl get nodes failed: ${out.stderr}`);
  for (const node of ['kubeplay-control-plane', 'kubeplay-worker', 'kubeplay-worker2']) {
    check(out.stdout.split('\n').some((l) => l.startsWith(node + ' ') && /\sReady\s/.test(l)),
      `node ${node} not shown Ready in:\n${out.stdout}`);
  }

  step('errors go to stderr, styled apart, as text');
  out = await run(page, 'kubectl get pod <b>nope</b>');
  check(out.exitCode !== 0 && out.stderr.length > 0, `an unknown pod should fail with stderr, got ${JSON.stringify(out)}`);
  check(await page.locator('.terminal-output b').count() === 0, 'command text must never be rendered as HTML');

  step('kubectl create deployment');
  out = await run(page, 'kubectl create deployment web --image=nginx --replicas=3');
  check(out.stdout.trim() === 'deployment.apps/web created', `unexpected create output: ${JSON.stringify(out)}`);

  step('kubectl get pods shows 3 web pods starting');
  out = await run(page, 'kubectl get pods');
  let statuses = podStatuses(out.stdout, 'web-');
  check(statuses.length === 3 && statuses.every((s) => s === 'ContainerCreating' || s === 'Pending' || s === 'Running'),
    `expected 3 web pods ContainerCreating/Running, got:\n${out.stdout}`);

  step('arrow-up recalls the previous command');
  await page.press('#terminal-input', 'ArrowUp');
  check(await page.inputValue('#terminal-input') === 'kubectl get pods', 'ArrowUp should recall "kubectl get pods"');
  await page.press('#terminal-input', 'ArrowUp');
  check(await page.inputValue('#terminal-input') === 'kubectl create deployment web --image=nginx --replicas=3',
    'a second ArrowUp should recall the create command');
  await page.press('#terminal-input', 'ArrowDown');
  await page.press('#terminal-input', 'ArrowDown');
  check(await page.inputValue('#terminal-input') === '', 'ArrowDown past the newest line should restore the empty line');

  step(`wait (real time, up to ${ROLLOUT_TIMEOUT_MS / 1000} s) for 3 Running pods in kubectl and in the graph`);
  const started = Date.now();
  let graphRunning = 0;
  for (;;) {
    out = await run(page, 'kubectl get pods');
    statuses = podStatuses(out.stdout, 'web-');
    graphRunning = await page.locator('svg.graph .pod[data-status="Running"][data-name^="web-"]').count();
    if (statuses.filter((s) => s === 'Running').length === 3 && graphRunning === 3) break;
    check(Date.now() - started < ROLLOUT_TIMEOUT_MS,
      `pods not Running after ${ROLLOUT_TIMEOUT_MS / 1000} s; kubectl says:\n${out.stdout}\ngraph shows ${graphRunning} Running web pods`);
    await page.waitForTimeout(1000);
  }
  console.log(`    rolled out after ${((Date.now() - started) / 1000).toFixed(1)} s of real time`);
  const summary = await page.locator('svg.graph .object[data-kind="Deployment"][data-name="web"]').getAttribute('data-summary');
  check(summary === '3/3', `the Deployment box should read 3/3, reads ${summary}`);
  check(await page.locator('svg.graph .edge').count() >= 4, 'expected edges Deployment→ReplicaSet→3 pods');
  check(await page.locator('#terminal-input').evaluate((el) => el === document.activeElement),
    'the terminal input should keep focus after commands');
  await page.screenshot({ path: join(shots, 'rollout.png') });

  step('show system pods adds kube-system pods to the graph');
  await page.check('#show-system');
  await page.waitForFunction(() => document.querySelectorAll('svg.graph .pod[data-namespace="kube-system"]').length > 0, null, { timeout: 5000 });
  await page.screenshot({ path: join(shots, 'system-pods.png') });
  await page.uncheck('#show-system');

  check(errors.length === 0, `the page logged errors:\n${errors.join('\n')}`);
  console.log('e2e: all checks passed');
} catch (err) {
  failed = true;
  console.error(`e2e FAILED: ${err instanceof Failure ? err.message : err.stack}`);
  if (errors.length) console.error(`page errors:\n${errors.join('\n')}`);
  if (page) await page.screenshot({ path: join(shots, 'failure.png') }).catch(() => {});
} finally {
  await browser.close();
  await server.close();
}
process.exit(failed ? 1 : 0);
