// The lesson pane: the lesson list (fetched, not compiled in), a real lesson opened, a command
// block run from its button, an exercise completed by typing in the terminal and marked done,
// in English and in Korean; progress kept across a reload; a drill started, partly solved,
// submitted and graded per task; raw HTML in lesson text never becomes markup.
// Usage: node tests/e2e/lessons.test.mjs <dist dir>
import { mkdir } from 'node:fs/promises';
import { serveDir, launchBrowser, openPage, run, check, step, finish } from './lib.mjs';

const dist = process.argv[2] ?? 'dist';
const shots = new URL('./screenshots/', import.meta.url).pathname;
const server = await serveDir(dist);
const browser = await launchBrowser();
const errors = [];

await finish('lessons', browser, server, errors, async () => {
  await mkdir(shots, { recursive: true });
  const page = await openPage(browser.context, server.url, errors);
  // Starting a lesson or drill and showing a solution ask first.
  page.on('dialog', (d) => d.accept());

  step('the list shows the lessons from lessons/index.json, with progress');
  await page.waitForSelector('.toc-item[data-lesson="first-steps"]', { timeout: 10000 });
  const meta = await page.locator('.toc-item[data-lesson="first-steps"] .toc-meta').textContent();
  check(/0\/3 exercises done/.test(meta), `first-steps should show 0/3 done, shows ${meta}`);
  await page.waitForSelector('.toc-item[data-drill="cheatsheet-1"]', { timeout: 10000 });

  step('open first-steps; Run sends the block to the terminal');
  await page.click('.toc-item[data-lesson="first-steps"] .toc-open');
  await page.waitForSelector('.lesson-head h3');
  const before = await page.locator('.terminal-entry').count();
  await page.locator('.run-block').first().click();
  await page.waitForFunction((n) => document.querySelectorAll('.terminal-entry').length > n, before);
  const out = await page.locator('.terminal-entry').nth(before).locator('.terminal-stdout').textContent();
  check(out.includes('kubeplay-control-plane') && out.includes('Ready'), `Run should print the nodes, got ${out}`);

  step('the exercise is marked done once typed in the terminal');
  const card = page.locator('.exercise[data-exercise="make-namespace"]');
  check(!(await card.getAttribute('class')).includes('exercise-done'), 'not done before');
  await card.locator('.hint-button').click();
  check(await card.locator('.exercise-hint').count() === 1, 'one hint shown after one click');
  await run(page, 'kubectl create namespace playground');
  await page.waitForSelector('.exercise-done[data-exercise="make-namespace"]', { timeout: 5000 });
  await page.screenshot({ path: `${shots}lessons-en.png` });

  step('in Korean: the lesson text follows the switch, a block runs from its button, another exercise done');
  await page.selectOption('#language', 'ko');
  await page.waitForFunction(() => document.querySelector('.lesson-head h3')?.textContent.includes('첫걸음'));
  check((await page.locator('.run-block').first().textContent()) === '실행', 'the Run button in Korean');
  const beforeKo = await page.locator('.terminal-entry').count();
  await page.locator('.run-block').first().click();
  await page.waitForFunction((n) => document.querySelectorAll('.terminal-entry').length > n, beforeKo);
  const outKo = await page.locator('.terminal-entry').nth(beforeKo).locator('.terminal-stdout').textContent();
  check(outKo.includes('kubeplay-worker2'), `실행 should print the nodes, got ${outKo}`);
  await run(page, 'kubectl label node kubeplay-worker2 disk=ssd');
  await page.waitForSelector('.exercise-done[data-exercise="label-node"]', { timeout: 5000 });
  await page.screenshot({ path: `${shots}lessons-ko.png` });

  step('a reload comes back to the open lesson; progress shows in the list');
  await page.reload();
  await page.waitForFunction(() => document.querySelector('.lesson-head h3')?.textContent.includes('첫걸음'), null, { timeout: 10000 });
  check(await page.locator('.exercise-done[data-exercise="label-node"]').count() === 1, 'the done mark is kept');
  await page.click('.lesson-back');
  await page.waitForSelector('.toc-item[data-lesson="first-steps"]', { timeout: 10000 });
  const after = await page.locator('.toc-item[data-lesson="first-steps"] .toc-meta').textContent();
  check(after.includes('3개 중 2개'), `2 of 3 done should show, shows ${after}`);
  await page.selectOption('#language', 'en');

  step('no lesson text becomes markup: no script or iframe in the pane');
  check(await page.locator('.lesson script, .lesson iframe, .lesson img').count() === 0, 'no raw HTML elements');

  step('a drill: start, solve one task, submit, per-task report');
  await page.click('.toc-item[data-drill="cheatsheet-1"] .toc-open');
  await page.click('.drill-start');
  await page.waitForSelector('.drill-clock');
  await run(page, 'kubectl scale deployment web --replicas=4 -n shop');
  await page.click('.drill-submit');
  await page.waitForSelector('.drill-report');
  const passed = await page.locator('.drill-report-task[data-task="scale-web"]').getAttribute('class');
  check(passed.includes('check-pass'), 'scale-web should pass');
  const failed = await page.locator('.drill-report-task[data-task="expose"]').getAttribute('class');
  check(failed.includes('check-fail'), 'expose should fail');
  const total = await page.locator('.drill-total').textContent();
  check(/^1 of \d+ points$/.test(total), `the total should be 1 point, got ${total}`);
  await page.screenshot({ path: `${shots}lessons-drill.png` });
});
