// The page keeps the learner's work: after a reload the cluster, the scrollback and the history
// are back, byte for byte (the journal is replayed through the deterministic core).
// Usage: node tests/e2e/page-persist.test.mjs <dist dir>
import { serveDir, launchBrowser, openPage, run, paste, check, step, finish } from './lib.mjs';

const dist = process.argv[2] ?? 'dist';
const server = await serveDir(dist);
const browser = await launchBrowser();
const errors = [];
await finish('page-persist', browser, server, errors, async () => {
  let page = await openPage(browser.context, server.url, errors);

  step('run commands, let virtual time pass');
  await run(page, 'kubectl create deployment web --image=nginx --replicas=3');
  await run(page, 'kubectl create namespace team-a');
  await run(page, 'kubectl run solo -n team-a --image=busybox -- sleep 3600');
  const pasted = await paste(page, 'cat > /tmp/notes.txt <<EOF\nremember me\nEOF\necho written\n');
  check(pasted.stdout.trim() === 'written', `a pasted here-document should run: ${JSON.stringify(pasted)}`);
  // A foreground job (it ends by itself) and one stopped with Ctrl+C are replayed too.
  await page.fill('#terminal-input', 'kubectl rollout status deployment/web && echo finished');
  await page.press('#terminal-input', 'Enter');
  await page.waitForFunction(() => document.querySelector('.terminal-entry:last-child')?.textContent.includes('finished'), null, { timeout: 20000 });
  await page.fill('#terminal-input', 'kubectl get pods -n team-a -w');
  await page.press('#terminal-input', 'Enter');
  await page.waitForSelector('.terminal-entry.terminal-running');
  await page.waitForTimeout(1200);
  await page.press('#terminal-input', 'Control+c');
  await page.waitForSelector('.terminal-entry.terminal-running', { state: 'detached' });
  const jobs = await page.locator('.terminal-entry').evaluateAll((els) => els.slice(-2).map((e) => e.textContent));
  await run(page, 'sleep 20');
  const before = await run(page, 'kubectl get pods -A -o wide; kubectl get events -A');
  check(before.stdout.includes('web-') && before.stdout.includes('solo'), `unexpected output:\n${before.stdout}`);
  const entries = await page.locator('.terminal-entry').count();
  // Wait for a tick-driven save (clock-only changes are saved lazily; commands at once).
  await page.waitForTimeout(2500);

  step('reload: same prompt, scrollback, history');
  await page.reload();
  await page.waitForSelector('#terminal-input');
  await page.waitForFunction((n) => document.querySelectorAll('.terminal-entry').length >= n, entries, { timeout: 15000 });
  const restoreMs = Number(await page.evaluate(() => document.documentElement.dataset.restoreMs));
  console.log(`    restored in ${restoreMs} ms`);
  const notes = await run(page, 'cat /tmp/notes.txt');
  check(notes.stdout.trim() === 'remember me', `the shell's files should survive a reload: ${JSON.stringify(notes)}`);
  await page.press('#terminal-input', 'ArrowUp');
  await page.press('#terminal-input', 'ArrowUp');
  check(await page.inputValue('#terminal-input') === 'kubectl get pods -A -o wide; kubectl get events -A', 'ArrowUp should recall the lines run before the reload');
  await page.fill('#terminal-input', '');

  step('the cluster is byte-identical: pods and events as before (same virtual time)');
  const last = page.locator('.terminal-entry').nth(entries - 1);
  check(await page.locator('.terminal-entry').count() === entries + 1, 'the scrollback should be back, plus the cat');
  const replayed = (await last.locator('.terminal-stdout').allTextContents()).join('');
  check(replayed === before.stdout, `replayed output differs:\n--- before\n${before.stdout}\n--- after\n${replayed}`);
  // Compare the cluster itself at one instant: a fresh run of the same reads, pinned by sleep.
  const jobsAfter = await page.locator('.terminal-entry').evaluateAll((els, n) => els.slice(n - 4, n - 2).map((e) => e.textContent), entries);
  check(JSON.stringify(jobsAfter) === JSON.stringify(jobs), `the jobs' output differs after reload:\n${jobs.join('\n')}\n---\n${jobsAfter.join('\n')}`);
  const t1 = await run(page, 'kubectl get pods -A -o wide');
  check(t1.stdout.includes('solo') && t1.stderr === '', `pods after reload:\n${t1.stdout}${t1.stderr}`);

  step('Ctrl+L clears, and stays cleared after a reload');
  await page.press('#terminal-input', 'Control+l');
  await page.waitForFunction(() => document.querySelectorAll('.terminal-entry').length === 0);
  await page.reload();
  await page.waitForSelector('#terminal-input');
  await page.waitForTimeout(300);
  check(await page.locator('.terminal-entry').count() === 0, 'the cleared terminal should stay empty after reload');
  const again = await run(page, 'kubectl get pods -n default');
  check(again.stdout.includes('web-'), `the cluster should still have web pods:\n${again.stdout}`);

  step('reset (confirmed) starts a fresh cluster');
  page.once('dialog', (d) => d.accept());
  await page.click('#session-button');
  await page.click('#reset');
  await page.waitForFunction(() => document.querySelectorAll('.terminal-entry').length === 0);
  const fresh = await run(page, 'kubectl get pods -A');
  check(!fresh.stdout.includes('web-') && !fresh.stdout.includes('solo'), `reset should remove user pods:\n${fresh.stdout}`);
  const gone = await run(page, 'cat /tmp/notes.txt');
  check(gone.exitCode !== 0, 'reset should forget the shell files');
  await page.reload();
  await page.waitForSelector('#terminal-input');
  const afterReset = await run(page, 'kubectl get pods -A');
  check(!afterReset.stdout.includes('web-'), 'reset should survive a reload');
});
