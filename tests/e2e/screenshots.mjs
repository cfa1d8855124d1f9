// Screenshots of the page's main states, in both themes and both languages, for people to look
// at (nothing is asserted here). Usage: node tests/e2e/screenshots.mjs <dist dir>
// (./scripts/screenshots.sh builds dist/ and runs this). Writes tests/e2e/screenshots/shot-*.png.
import { mkdir } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { serveDir, launchBrowser, openPage, run, paste } from './lib.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const dist = resolve(process.argv[2] ?? join(here, '../../dist'));
const out = join(here, 'screenshots');
await mkdir(out, { recursive: true });

const PENDING_POD = [
  'kubectl apply -f - <<EOF',
  'apiVersion: v1',
  'kind: Pod',
  'metadata:',
  '  name: too-big',
  'spec:',
  '  containers:',
  '  - name: app',
  '    image: nginx',
  '    resources:',
  '      requests:',
  '        cpu: "64"',
  'EOF',
  '',
].join('\n');

const server = await serveDir(dist);
const shots = [];
async function shoot(page, name) {
  const path = join(out, `shot-${name}.png`);
  await page.screenshot({ path });
  shots.push(path);
}

for (const theme of ['light', 'dark']) {
  for (const lang of ['en', 'ko']) {
    const browser = await launchBrowser();
    try {
      const page = await openPage(browser.context, server.url);
      await page.selectOption('#theme', theme);
      await page.selectOption('#language', lang);
      const tag = `${theme}-${lang}`;
      await shoot(page, `${tag}-1-empty`);

      // A deployment rolling out: pods still creating.
      await run(page, 'kubectl create deployment web --image=nginx --replicas=4');
      await run(page, 'kubectl get pods -o wide');
      await shoot(page, `${tag}-2-rollout`);

      // A Pending pod, and why (the graph helper's inspector will explain it in the graph pane).
      await paste(page, PENDING_POD);
      await run(page, 'sleep 5');
      await run(page, 'kubectl get pods');
      await run(page, 'kubeplay why pod too-big');
      await shoot(page, `${tag}-3-pending`);

      // An ingress trace: a request through ingress-nginx, lit hop by hop in the graph.
      await run(page, 'kubectl delete pod too-big');
      await run(page, 'kubectl expose deployment web --port=80');
      await run(page, "kubectl create ingress web --rule='shop.example.com/*=web:80'");
      await page.click('#time-settle');
      await run(page, "kubeplay curl --trace -H 'Host: shop.example.com' http://localhost/");
      await page.waitForTimeout(6000);
      await shoot(page, `${tag}-3b-ingress-trace`);

      // The session menu, and a share link.
      await page.click('#session-button');
      await shoot(page, `${tag}-4-menu`);
      await page.click('#share');
      await page.waitForSelector('#share-link');
      const link = await page.inputValue('#share-link');
      await shoot(page, `${tag}-5-share`);
      await page.keyboard.press('Escape');

      // The same link opened in another browser asks first.
      const other = await launchBrowser();
      try {
        const page2 = await openPage(other.context, link);
        await page2.selectOption('#theme', theme);
        await page2.selectOption('#language', lang);
        await page2.waitForSelector('#shared-dialog');
        await shoot(page2, `${tag}-6-shared-link`);
      } finally {
        await other.close();
      }

      // Help popover.
      await page.click('#help-button');
      await shoot(page, `${tag}-7-help`);
      await page.keyboard.press('Escape');

      // A tablet: panes stacked.
      await page.setViewportSize({ width: 820, height: 1180 });
      await page.evaluate(() => window.scrollTo(0, 0));
      await shoot(page, `${tag}-8-tablet`);
    } finally {
      await browser.close();
    }
  }
}
await server.close();
console.log(shots.join('\n'));
