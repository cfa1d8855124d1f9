// After a first visit the page works with the network off (service worker), under its strict
// Content-Security-Policy (any CSP violation is a console error, which fails the test), and a
// crash shows a visible banner instead of a dead page.
// Usage: node tests/e2e/page-offline.test.mjs <dist dir>
import { serveDir, launchBrowser, openPage, run, check, step, finish } from './lib.mjs';

const dist = process.argv[2] ?? 'dist';
const server = await serveDir(dist);
const browser = await launchBrowser();
const errors = [];
await finish('page-offline', browser, server, errors, async () => {
  const page = await openPage(browser.context, server.url, errors);
  check(await page.locator('script:not([src])').count() === 0, 'index.html should have no inline script');
  const csp = await page.locator('meta[http-equiv="Content-Security-Policy"]').getAttribute('content');
  check(csp.includes("script-src 'self' 'wasm-unsafe-eval'") && !/script-src[^;]*unsafe-inline/.test(csp), `unexpected CSP: ${csp}`);

  step('the service worker installs and controls the page');
  await page.evaluate(() => navigator.serviceWorker.ready);
  await page.waitForFunction(() => navigator.serviceWorker.controller !== null, null, { timeout: 10000 });
  await run(page, 'kubectl create deployment web --image=nginx');

  step('offline (and the server gone): reload, the page and the cluster come back');
  await browser.context.setOffline(true);
  await server.close();
  await page.reload();
  await page.waitForSelector('#terminal-input', { timeout: 15000 });
  const out = await run(page, 'kubectl get deployments');
  check(out.stdout.includes('web'), `the restored cluster should have the web deployment:\n${out.stdout}${out.stderr}`);

  step('kubectl explain works offline (its data comes from the cache)');
  let explained = '';
  for (let i = 0; i < 20 && !explained.includes('KIND:'); i++) {
    explained = (await run(page, 'kubectl explain pod.spec.nodeName')).stdout;
    if (!explained.includes('KIND:')) await page.waitForTimeout(250);
  }
  check(explained.includes('KIND:') && explained.includes('nodeName'), `kubectl explain offline:\n${explained}`);

  step('a crash shows the banner with a reload button');
  await page.evaluate(() => { try { window.wasmBindings.crash_for_test(); } catch { /* the panic unwinds into JS */ } });
  await page.waitForSelector('#crash-banner', { timeout: 5000 });
  const banner = await page.locator('#crash-banner').textContent();
  check(banner.includes('reload') || banner.includes('Reload'), `banner text: ${banner}`);
  // The panic logged its message on purpose; nothing else may have.
  const unexpected = errors.filter((e) => !e.includes('crash_for_test') && !e.includes('unreachable') && !e.includes('RuntimeError'));
  errors.length = 0;
  errors.push(...unexpected);
});
