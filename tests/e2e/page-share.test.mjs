// Moving a cluster between browsers: a share link reproduces the cluster byte for byte in a
// fresh browser profile (after asking); Export downloads the learner's objects as YAML; Import
// applies such a file to a fresh cluster, and a broken file leaves the cluster alone.
// Usage: node tests/e2e/page-share.test.mjs <dist dir>
import { readFile } from 'node:fs/promises';
import { serveDir, launchBrowser, openPage, run, check, step, finish } from './lib.mjs';

const dist = process.argv[2] ?? 'dist';
const server = await serveDir(dist);
const browser = await launchBrowser();
const errors = [];
let other = null;
await finish('page-share', browser, server, errors, async () => {
  const page = await openPage(browser.context, server.url, errors);
  step('build a small cluster');
  await run(page, 'kubectl create deployment web --image=nginx --replicas=2');
  await run(page, 'kubectl expose deployment web --port=80');
  await run(page, 'sleep 15');
  const pods = await run(page, 'kubectl get pods -o wide');
  const events = await run(page, 'kubectl get events');

  step('Session menu → Share link');
  await page.click('#session-button');
  await page.click('#share');
  await page.waitForSelector('#share-link');
  const link = await page.inputValue('#share-link');
  check(/#s=[A-Za-z0-9_-]+$/.test(link), `a compressed share link expected, got ${link.slice(0, 120)}`);
  console.log(`    link: ${link.length} characters`);
  await page.keyboard.press('Escape');

  step('Session menu → Export YAML downloads the objects');
  await page.click('#session-button');
  const [download] = await Promise.all([page.waitForEvent('download'), page.click('#export')]);
  const yaml = await readFile(await download.path(), 'utf8');
  check(yaml.includes('kind: Deployment') && yaml.includes('kind: Service') && !yaml.includes('kind: ReplicaSet'),
    `unexpected export:\n${yaml}`);

  step('the link in a fresh browser profile asks first, then reproduces the cluster');
  other = await launchBrowser();
  const errors2 = [];
  const page2 = await openPage(other.context, link, errors2);
  await page2.waitForSelector('#shared-dialog');
  const dialog = await page2.locator('#shared-dialog').textContent();
  check(dialog.includes('kubectl create deployment web --image=nginx --replicas=2'), `the dialog should list the commands:\n${dialog}`);
  await page2.click('#shared-load');
  await page2.waitForFunction(() => document.querySelectorAll('.terminal-entry').length >= 5);
  check(!(await page2.evaluate(() => location.hash)), 'the fragment should be cleared after loading');
  const entries = page2.locator('.terminal-entry');
  const stdoutOf = async (i) => (await entries.nth(i).locator('.terminal-stdout').allTextContents()).join('');
  check(await stdoutOf(3) === pods.stdout, `pods differ:\n${pods.stdout}\n---\n${await stdoutOf(3)}`);
  check(await stdoutOf(4) === events.stdout, `events differ:\n${events.stdout}\n---\n${await stdoutOf(4)}`);

  step('a damaged link says so and keeps the cluster');
  await page2.goto(server.url + '#s=AAAA');
  await page2.reload(); // a change of fragment alone does not load the page again
  await page2.waitForSelector('.notice');
  check((await page2.locator('.terminal-entry').count()) >= 5, 'a damaged link must not replace the cluster');

  step('Import a broken file: the error, and nothing changes');
  await page2.setInputFiles('#import-file', { name: 'broken.yaml', mimeType: 'application/yaml', buffer: Buffer.from('apiVersion: v1\nkind: Pod\nmetadata:\n  name: x\nspec: 3\n') });
  await page2.waitForFunction(() => document.querySelector('.notice')?.textContent.includes('broken.yaml'));
  const still = await run(page2, 'kubectl get deployments');
  check(still.stdout.includes('web'), 'a failed import must leave the cluster');

  step('Import the exported file into a fresh cluster');
  await run(page2, 'kubectl create configmap only-here');
  page2.once('dialog', (d) => d.accept());
  await page2.setInputFiles('#import-file', { name: 'kubeplay-cluster.yaml', mimeType: 'application/yaml', buffer: Buffer.from(yaml) });
  await page2.waitForFunction(() => document.querySelector('.notice')?.textContent.includes('kubeplay-cluster.yaml'));
  const imported = await run(page2, 'kubectl get deployments,services,configmaps');
  check(imported.stdout.includes('deployment.apps/web') && imported.stdout.includes('service/web'), `after import:\n${imported.stdout}`);
  check(!imported.stdout.includes('only-here'), 'import should start from a fresh cluster');
  check(errors2.length === 0, `the second page logged errors:\n${errors2.join('\n')}`);
  await other.close();
  other = null;
});
