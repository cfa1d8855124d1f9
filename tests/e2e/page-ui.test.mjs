// The page's frame: language and theme switches (remembered), the help popover, keyboard use
// (history search, Ctrl+C, Ctrl+L, Alt+digit pane focus), terminal tabs sharing one cluster,
// lesson suggestions, and panes that hide and resize (remembered).
// Usage: node tests/e2e/page-ui.test.mjs <dist dir>
import { serveDir, launchBrowser, openPage, run, check, step, finish } from './lib.mjs';

const dist = process.argv[2] ?? 'dist';
const server = await serveDir(dist);
const browser = await launchBrowser();
const errors = [];
await finish('page-ui', browser, server, errors, async () => {
  const page = await openPage(browser.context, server.url, errors);
  const text = (sel) => page.locator(sel).first().textContent();

  step('English by default (this browser says en-US); Korean on demand, remembered');
  check((await text('.pane-lesson .pane-title')) === 'Lesson', 'English lesson title expected');
  await page.selectOption('#language', 'ko');
  check((await text('.pane-lesson .pane-title')) === '레슨', 'Korean lesson title expected');
  check(await page.evaluate(() => document.documentElement.lang) === 'ko', '<html lang> should follow');
  await page.reload();
  await page.waitForSelector('#terminal-input');
  check((await text('.pane-lesson .pane-title')) === '레슨', 'the language should survive a reload');
  await page.selectOption('#language', 'en');

  step('theme: system by default, dark on demand, remembered');
  check(await page.evaluate(() => document.documentElement.dataset.theme) === undefined, 'no data-theme by default');
  await page.selectOption('#theme', 'dark');
  const bg = () => page.evaluate(() => getComputedStyle(document.body).backgroundColor);
  check(await bg() === 'rgb(1, 4, 9)', `dark background expected, got ${await bg()}`);
  await page.reload();
  await page.waitForSelector('#terminal-input');
  check(await bg() === 'rgb(1, 4, 9)', 'the theme should survive a reload');
  await page.selectOption('#theme', 'system');

  step('help popover: opens, Esc closes and gives focus back');
  await page.click('#help-button');
  await page.waitForSelector('#help');
  check((await text('#help')).includes('Ctrl+R'), 'the help should list Ctrl+R');
  await page.keyboard.press('Escape');
  await page.waitForSelector('#help', { state: 'detached' });
  check(await page.evaluate(() => document.activeElement?.id) === 'help-button', 'focus should return to the help button');

  step('lesson suggestion runs in the terminal');
  await page.click('.run-command >> nth=0');
  await page.waitForFunction(() => document.querySelector('.terminal-entry .command')?.textContent === 'kubectl get nodes');
  check((await text('.terminal-entry .terminal-stdout')).includes('kubeplay-control-plane'), 'the suggestion should have run');

  step('history search with Ctrl+R');
  await run(page, 'kubectl create deployment web --image=nginx');
  await run(page, 'kubectl get deployments');
  await page.focus('#terminal-input');
  await page.keyboard.press('Control+r');
  await page.keyboard.type('create');
  check((await text('.search-match')).includes('kubectl create deployment web --image=nginx'), `search match: ${await text('.search-match')}`);
  await page.keyboard.press('Escape');
  check(await page.inputValue('#terminal-input') === '', 'Esc should leave the search with the line as it was');
  await page.keyboard.press('Control+r');
  await page.keyboard.type('get');
  check((await text('.search-match')).includes('kubectl get deployments'), 'newest match first');
  await page.keyboard.press('Control+r');
  check((await text('.search-match')).includes('kubectl get nodes'), 'Ctrl+R again: the older match');
  await page.keyboard.press('ArrowRight');
  check(await page.inputValue('#terminal-input') === 'kubectl get nodes', 'an arrow key takes the match for editing');
  await page.fill('#terminal-input', '');

  step('Tab completes resource types and names; several candidates are listed');
  await page.fill('#terminal-input', 'kubectl get depl');
  await page.press('#terminal-input', 'Tab');
  await page.waitForFunction(() => document.getElementById('terminal-input').value === 'kubectl get deployments ');
  await page.press('#terminal-input', 'w');
  await page.press('#terminal-input', 'Tab');
  await page.waitForFunction(() => document.getElementById('terminal-input').value === 'kubectl get deployments web ');
  await page.fill('#terminal-input', 'kubectl get po');
  await page.press('#terminal-input', 'Tab');
  await page.waitForSelector('.terminal-candidates');
  check((await text('.terminal-candidates')).includes('pods'), 'candidates should be listed');

  step('a watch runs in the foreground (no prompt) until Ctrl+C');
  await page.fill('#terminal-input', 'kubectl get deployments -w');
  await page.press('#terminal-input', 'Enter');
  await page.waitForSelector('.terminal-entry.terminal-running');
  check((await text('.terminal-line .prompt')) === '', 'no prompt while the job runs');
  await page.press('#terminal-input', 'Control+c');
  await page.waitForSelector('.terminal-entry.terminal-running', { state: 'detached' });
  const watched = await page.locator('.terminal-entry').last();
  check((await watched.locator('.terminal-stdout').textContent()).trimEnd().endsWith('^C'), 'the stopped watch ends with ^C');
  check(await watched.getAttribute('data-exit-code') === '130', 'a stopped job has status 130');
  check((await text('.terminal-line .prompt')).includes('kubeplay:'), 'the prompt is back');

  step('Ctrl+C cancels the line; Ctrl+L clears the screen');
  await page.fill('#terminal-input', 'kubectl get nodes');
  const before = await page.locator('.terminal-entry').count();
  await page.keyboard.press('Control+c');
  check(await page.inputValue('#terminal-input') === '', 'Ctrl+C should empty the line');
  check((await page.locator('.terminal-entry .command').last().textContent()).endsWith('^C'), 'the cancelled line shows ^C');
  check(await page.locator('.terminal-entry').count() === before + 1, 'one cancelled entry');
  await page.keyboard.press('Control+l');
  await page.waitForFunction(() => document.querySelectorAll('.terminal-entry').length === 0);

  step('a second terminal tab shares the cluster, keeps its own screen');
  await page.click('#new-terminal');
  await page.waitForSelector('#tab-terminal-2[aria-selected="true"]');
  const shared = await run(page, 'kubectl get deployments');
  check(shared.stdout.includes('web'), 'the second terminal sees the same cluster');
  await page.click('#tab-terminal-1');
  check(await page.locator('.terminal-entry').count() === 0, 'the first terminal keeps its own (cleared) screen');
  await page.click('#tab-editor');
  check(await page.locator('#workspace-editor').count() === 1, 'the YAML tab shows the editor');

  step('Alt+2 focuses the terminal, Alt+4 the graph');
  await page.keyboard.press('Alt+2');
  await page.waitForFunction(() => document.activeElement?.id === 'terminal-input');
  await page.keyboard.press('Alt+4');
  await page.waitForFunction(() => document.activeElement?.id === 'pane-graph-body');

  step('panes hide and resize, remembered');
  await page.click('#toggle-lesson');
  await page.waitForSelector('#pane-lesson.pane-closed');
  const handle = page.locator('.splitter-graph');
  const box = await handle.boundingBox();
  const width0 = (await page.locator('#pane-graph').boundingBox()).width;
  await page.mouse.move(box.x + 2, box.y + 200);
  await page.mouse.down();
  await page.mouse.move(box.x - 150, box.y + 200, { steps: 5 });
  await page.mouse.up();
  const width1 = (await page.locator('#pane-graph').boundingBox()).width;
  check(Math.abs(width1 - width0 - 150) < 8, `dragging the handle 150 px left should widen the graph by ~150 px: ${width0} → ${width1}`);
  await handle.focus();
  await page.keyboard.press('ArrowLeft');
  const width2 = (await page.locator('#pane-graph').boundingBox()).width;
  check(width2 > width1, 'ArrowLeft on the handle widens the graph pane');
  await page.reload();
  await page.waitForSelector('#terminal-input');
  check(await page.locator('#pane-lesson.pane-closed').count() === 1, 'the hidden lesson pane stays hidden after a reload');
  const width3 = (await page.locator('#pane-graph').boundingBox()).width;
  check(Math.abs(width3 - width2) < 2, `the graph width should survive a reload: ${width2} vs ${width3}`);
  check(await page.locator('.tab[role="tab"]').count() === 3, 'both terminal tabs and the YAML tab come back');

  step('narrow screens stack the panes');
  await page.setViewportSize({ width: 800, height: 1000 });
  const ws = await page.locator('#pane-workspace').boundingBox();
  const graph = await page.locator('#pane-graph').boundingBox();
  check(graph.y >= ws.y + ws.height - 1 && Math.abs(ws.width - 800) < 20, `stacked layout expected: ${JSON.stringify({ ws, graph })}`);
});
