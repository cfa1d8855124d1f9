// End-to-end test of the request trace on the graph: `kubeplay curl --trace` through an Ingress
// lights the node, the ingress-nginx pod, the Ingress, the Service and the answering pod in
// turn, and lists the hops as text; a refused request from a pod ends at a red box; the trace
// can be dismissed and stays dismissed until another request is made (or `kubeplay trace`).
// Usage: node tests/e2e/trace.test.mjs <dist dir>. Screenshots go to tests/e2e/screenshots/trace-*.png.
import { mkdir } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { serveDir, launchBrowser, openPage, run, check, step, finish } from './lib.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const dist = resolve(process.argv[2] ?? join(here, '../../dist'));
const shots = join(here, 'screenshots');

const server = await serveDir(dist);
const browser = await launchBrowser();
const errors = [];

await finish('trace', browser, server, errors, async () => {
  await mkdir(shots, { recursive: true });
  const page = await openPage(browser.context, server.url, errors);

  step('an app behind a Service and an Ingress, settled');
  for (const line of [
    'kubectl create deployment web --image=nginx --replicas=2',
    'kubectl expose deployment web --port=80',
    "kubectl create ingress web --rule='shop.example.com/*=web:80'",
    '',
  ]) {
    if (line) check((await run(page, line)).exitCode === 0, `${line} failed`);
  }
  await page.check('#show-system');
  await page.click('#time-settle');
  await page.waitForFunction(() => document.querySelectorAll('svg.graph .pod[data-name^="web-"][data-state="running"]').length === 2, null, { timeout: 20000 });
  check(await page.locator('.trace-panel').count() === 0, 'no trace before any request');

  step('kubeplay curl --trace through the Ingress lights every hop in order');
  const out = await run(page, "kubeplay curl --trace -H 'Host: shop.example.com' http://localhost/");
  check(out.exitCode === 0 && out.stdout.includes('Welcome to nginx!'), `curl: ${out.stderr}`);
  await page.waitForSelector('.trace-panel', { timeout: 5000 });
  const ids = await page.locator('svg.graph .trace-hop').evaluateAll((gs) => gs.map((g) => g.getAttribute('data-id')));
  const expect = ['Node//kubeplay-control-plane', 'Pod/ingress-nginx/ingress-nginx-controller-', 'Ingress/default/web', 'Service/default/web', 'Pod/default/web-'];
  check(ids.length === expect.length && expect.every((e, i) => ids[i].startsWith(e)), `boxes lit: ${ids.join(', ')}`);
  const hops = await page.locator('svg.graph .trace-hop').evaluateAll((gs) => gs.map((g) => Number(g.getAttribute('data-hop'))));
  check(hops.every((h, i) => i === 0 || h >= hops[i - 1]), `hop numbers rise: ${hops}`);
  const delays = await page.locator("svg.graph .trace-ring").evaluateAll((rs) => rs.map((r) => parseFloat(getComputedStyle(r).animationDelay)));
  check(delays.every((d, i) => i === 0 || d > delays[i - 1]), `boxes light one after another: ${delays}`);
  const lines = await page.locator('.trace-panel .trace-step').allTextContents();
  check(lines.join(' ') === 'hosts endpoint ingress endpoint server', `hop list: ${lines.join(' ')}`);
  check((await page.locator('.trace-outcome').textContent()).includes('200 OK'), 'the result is shown');
  const chips = await page.locator('.trace-panel .trace-chip').allTextContents();
  check(chips.join(' ') === lines.join(' '), `the summary line names the same hops: ${chips}`);
  await page.click('.trace-details > summary');
  check(await page.locator('.trace-hops .trace-line').first().isVisible(), 'the hops open in full');
  await page.waitForTimeout(700 + 900 * hops.length);
  const lit = await page.locator('svg.graph .trace-ring').evaluateAll((rs) => rs.map((r) => getComputedStyle(r).opacity));
  check(lit.every((o) => o === '1'), `every box lit at the end: ${lit}`);
  check(await page.locator('svg.graph .trace-stop').count() === 0, 'an answered request has no stop');
  await page.screenshot({ path: join(shots, 'trace-ingress.png') });

  step('a refused request from a pod stops, in red, at the Service without endpoints');
  for (const line of ['kubectl create service clusterip empty --tcp=80:80', 'kubectl run client --image=busybox -- sleep 3600']) {
    check((await run(page, line)).exitCode === 0, `${line} failed`);
  }
  await page.click('#time-settle');
  await page.waitForFunction(() => document.querySelector('svg.graph .pod[data-name="client"][data-state="running"]'), null, { timeout: 20000 });
  const refused = await run(page, 'kubectl exec client -- wget -qO- http://empty');
  check(refused.exitCode !== 0 && refused.stderr.includes('Connection refused'), `wget: ${refused.stderr}`);
  await page.waitForSelector('svg.graph .trace-stop[data-id="Service/default/empty"]', { timeout: 5000 });
  const first = await page.locator('svg.graph .trace-hop').first().getAttribute('data-id');
  check(first === 'Pod/default/client', `the trace starts at the client pod: ${first}`);
  check(await page.locator('.trace-panel.trace-panel-stopped .trace-line.trace-stop').count() === 1, 'the last hop is marked in the list');
  await page.screenshot({ path: join(shots, 'trace-refused.png') });

  step('dismissed, it stays away until the next request');
  await page.click('.trace-dismiss');
  check(await page.locator('.trace-panel').count() === 0 && await page.locator('svg.graph .trace').count() === 0, 'dismissed');
  await run(page, 'kubectl get pods');
  check(await page.locator('.trace-panel').count() === 0, 'a command without a request shows no trace');
  await run(page, 'kubeplay trace');
  await page.waitForSelector('.trace-panel.trace-panel-stopped', { timeout: 5000 });
  check(await page.locator('svg.graph .trace-stop[data-id="Service/default/empty"]').count() === 1, 'kubeplay trace shows the last request again');
  await page.click('.trace-dismiss');
  await run(page, "kubeplay curl -H 'Host: nothing.example.com' http://localhost/");
  await page.waitForSelector('.trace-panel', { timeout: 5000 });
  check((await page.locator('.trace-outcome').textContent()).includes('404 Not Found'), 'the next request is shown');
});
