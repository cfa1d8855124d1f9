// End-to-end test of the graph pane: pods appear and change colour as they start, a click (or
// Enter) selects an object and the inspector shows its describe, YAML, owners and logs, the
// timeline selects an event's object, a Pending pod shows the scheduler's reasons, zoom and
// fit, and time control (pause, step, speed, run until settled).
// Usage: node tests/e2e/graph.test.mjs <dist dir>. Screenshots go to tests/e2e/screenshots/graph-*.png.
import { mkdir } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { serveDir, launchBrowser, openPage, run, paste, check, step, finish } from './lib.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const dist = resolve(process.argv[2] ?? join(here, '../../dist'));
const shots = join(here, 'screenshots');

const server = await serveDir(dist);
const browser = await launchBrowser();
const errors = [];

const clock = (page) => page.locator('#virtual-time').getAttribute('datetime');
const inspectorText = (page, id) => page.locator(`#${id}`).textContent();

await finish('graph', browser, server, errors, async () => {
  await mkdir(shots, { recursive: true });
  const page = await openPage(browser.context, server.url, errors);
  const pods = page.locator('svg.graph .pod[data-name^="web-"]');

  step('a deployment of 3 appears as 3 pods that turn from starting to running');
  await page.click('#time-speed-1');
  const out = await run(page, 'kubectl create deployment web --image=nginx --replicas=3');
  check(out.exitCode === 0, `create failed: ${out.stderr}`);
  await page.waitForFunction(() => document.querySelectorAll('svg.graph .pod[data-name^="web-"]').length === 3, null, { timeout: 5000 });
  const firstState = await pods.first().getAttribute('data-state');
  check(['pending', 'creating'].includes(firstState), `a new pod should be pending or creating, was ${firstState}`);
  const fillOf = (loc) => loc.locator('.pod-box').evaluate((el) => getComputedStyle(el).fill);
  const startingFill = await fillOf(pods.first());
  await page.waitForFunction(() => document.querySelectorAll('svg.graph .pod[data-name^="web-"][data-state="running"]').length === 3, null, { timeout: 30000 });
  await page.waitForTimeout(700); // the colour transition
  const runningFill = await fillOf(pods.first());
  check(runningFill !== startingFill, `a running pod should change colour (${startingFill} → ${runningFill})`);
  check(await page.locator('svg.graph .edge-owns').count() >= 4, 'Deployment → ReplicaSet → pods edges');
  await page.screenshot({ path: join(shots, 'graph-running.png') });

  step('clicking a pod shows its describe, YAML, owners and logs');
  const podName = await pods.first().getAttribute('data-name');
  await pods.first().click();
  await page.waitForSelector(`.inspector[data-id="Pod/default/${podName}"]`, { timeout: 5000 });
  const describe = await inspectorText(page, 'inspector-describe');
  check(describe.startsWith(`Name:             ${podName}`), `describe should start with the pod's name:\n${describe.slice(0, 200)}`);
  check(describe.includes('Events:'), 'describe shows the events table');
  const owners = await page.locator('.owner-chain').textContent();
  check(owners.includes('Deployment web') && owners.includes('ReplicaSet web-') && owners.includes('replicaset-controller'),
    `owner chain: ${owners}`);
  await page.click('#inspector-tab-yaml');
  check((await inspectorText(page, 'inspector-yaml')).includes('kind: Pod\n'), 'YAML tab shows the pod');
  await page.click('#inspector-tab-logs');
  const logs = await inspectorText(page, 'inspector-logs');
  check(logs.length > 0, 'the nginx container has log lines');
  await page.screenshot({ path: join(shots, 'graph-inspector.png') });

  step('keyboard: a focused box is selected with Enter; Escape-free close button');
  const deployment = page.locator('svg.graph .object[data-kind="Deployment"][data-name="web"]');
  await deployment.focus();
  await page.keyboard.press('Enter');
  await page.waitForSelector('.inspector[data-id="Deployment/default/web"]', { timeout: 5000 });
  await page.click('#inspector-close');
  check(await page.locator('.inspector').count() === 0, 'the inspector closes');

  step('a timeline event selects its object');
  const scaled = page.locator('#timeline .event-button[data-reason="ScalingReplicaSet"]').first();
  await scaled.click();
  await page.waitForSelector('.inspector[data-id="Deployment/default/web"]', { timeout: 5000 });

  step('pause stops the clock; step runs to the next change');
  await page.click('#time-pause');
  const paused = await clock(page);
  await page.waitForTimeout(600);
  check(await clock(page) === paused, 'the clock stands still while paused');
  await page.click('#time-step');
  await page.waitForFunction((t) => document.querySelector('#virtual-time').getAttribute('datetime') !== t, paused, { timeout: 5000 });
  check((await page.locator('#time-note').textContent()).length > 0, 'the step says what it did');

  step('a Pending pod shows the scheduler\'s reasons per node');
  await paste(page, 'kubectl apply -f - <<EOF\napiVersion: v1\nkind: Pod\nmetadata:\n  name: huge\nspec:\n  containers:\n  - name: huge\n    image: nginx\n    resources:\n      requests:\n        cpu: "500"\nEOF\n');
  await page.click('#time-step');
  const huge = page.locator('svg.graph .node-pending-lane .pod[data-name="huge"], svg.graph .pod[data-name="huge"]');
  await huge.first().waitFor({ timeout: 5000 });
  const reasons = await huge.first().locator('.pod-reason').allTextContents();
  check(reasons.some((r) => r.includes('kubeplay-worker') && r.includes('Insufficient cpu')), `reasons: ${JSON.stringify(reasons)}`);
  await huge.first().click();
  await page.click('#inspector-tab-scheduling');
  check((await inspectorText(page, 'inspector-scheduling')).includes('Insufficient cpu'), 'the scheduling tab explains');
  await page.screenshot({ path: join(shots, 'graph-pending.png') });

  step('zoom in, then fit');
  const scale = async () => Number(await page.locator('svg.graph').getAttribute('data-scale'));
  const fitted = await scale();
  await page.click('#graph-zoom-in');
  check(await scale() > fitted, 'zoom in enlarges');
  await page.click('#graph-fit');
  check(Math.abs(await scale() - fitted) < 0.01, 'fit returns to the fitted scale');

  step('filters: hiding Pods removes pod boxes');
  await page.click('.graph-kinds > summary');
  await page.locator('.kind-toggle input[data-kind="Pod"]').uncheck();
  await page.waitForFunction(() => document.querySelectorAll('svg.graph .pod').length === 0, null, { timeout: 5000 });
  await page.locator('.kind-toggle input[data-kind="Pod"]').check();
  await page.click('.graph-kinds > summary');

  step('run until settled; speeds; dark theme');
  await page.click('#time-settle');
  await page.waitForFunction(() => document.querySelector('#time-note').textContent.length > 0, null, { timeout: 5000 });
  await page.click('#time-speed-60');
  check(await page.locator('#time-speed-60').getAttribute('aria-pressed') === 'true', '60× is on');
  await page.click('#time-pause');
  await page.selectOption('#theme', 'dark');
  await page.waitForTimeout(400);
  await page.screenshot({ path: join(shots, 'graph-dark.png') });

  step('Korean, light, with the lesson pane folded: a wider picture');
  await page.selectOption('#theme', 'light');
  await page.selectOption('#language', 'ko');
  await page.click('#inspector-close');
  await page.click('#toggle-lesson');
  await page.click('#graph-fit');
  await page.waitForTimeout(600);
  check((await page.locator('#time-settle').textContent()).trim() === '안정될 때까지', 'the time bar speaks Korean');
  await page.screenshot({ path: join(shots, 'graph-ko-wide.png') });
});
