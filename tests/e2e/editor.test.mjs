// The YAML editor: a mistake shown at its line as the user types, fixed, applied, and the object
// seen from the terminal; Tab indentation with working undo; a 1,000-line file stays responsive;
// screenshots in both themes and in Korean.
// Usage: node tests/e2e/editor.test.mjs <dist dir>
import { join } from 'node:path';
import { mkdir } from 'node:fs/promises';
import { serveDir, launchBrowser, openPage, run, check, step, finish } from './lib.mjs';

const dist = process.argv[2] ?? 'dist';
const shots = new URL('./screenshots/', import.meta.url).pathname;
const server = await serveDir(dist);
const browser = await launchBrowser();
const errors = [];

const MANIFEST = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: edited
spec:
  replicas: 2
  selector:
    matchLabels:
      app: edited
  template:
    metadata:
      labels:
        app: edited
    spec:
      containers:
      - name: web
        imagee: nginx
`;

/** Replaces the editor's text as a user would: select all, type (one input event). */
async function setText(page, text) {
  await page.focus('#editor-input');
  await page.keyboard.press('Control+A');
  await page.keyboard.insertText(text);
}

/** Waits until the check of the current text is in, and returns the problems shown. */
async function problems(page) {
  await page.waitForFunction(() => {
    const s = document.querySelector('#editor-status');
    return s && !/Checking|검사 중/.test(s.textContent);
  }, null, { timeout: 5000 });
  return page.locator('.editor-problems li').evaluateAll((items) => items.map((li) => ({
    line: Number(li.dataset.line), text: li.querySelector('.editor-problem-text').textContent,
  })));
}

await finish('editor', browser, server, errors, async () => {
  await mkdir(shots, { recursive: true });
  const page = await openPage(browser.context, server.url, errors);

  step('the editor tab opens with a template that checks clean');
  await page.click('#tab-editor');
  await page.waitForSelector('#editor-input');
  check((await problems(page)).length === 0, 'the starting template should have no problems');
  check(await page.locator('.editor-highlight .tok-key').count() > 5, 'keys should be coloured');

  step('a misspelled field is shown at its line, in the gutter and the list');
  await setText(page, MANIFEST);
  let found = await problems(page);
  check(found.length === 1 && found[0].line === 17
    && found[0].text === 'strict decoding error: unknown field "spec.template.spec.containers[0].imagee"',
  `expected the unknown field at line 17, got ${JSON.stringify(found)}`);
  check(await page.locator('.gutter-line.gutter-error[data-line="17"]').count() === 1, 'gutter mark at line 17');
  check(await page.locator('.editor-highlight .hl-line').nth(16).locator('.diag-error').textContent() === 'imagee',
    'the squiggle should be under `imagee`');
  await page.screenshot({ path: join(shots, 'editor-error.png') });

  step('clicking the problem puts the caret on it; the message line shows it');
  await page.click('.editor-problem');
  const message = await page.locator('#editor-message').textContent();
  check(message.includes('unknown field'), `message line: ${message}`);

  step('a validation error (replicas -1) is at its line too');
  await setText(page, MANIFEST.replace('imagee', 'image').replace('replicas: 2', 'replicas: -1'));
  found = await problems(page);
  check(found.length === 1 && found[0].line === 6 && found[0].text.startsWith('spec.replicas: Invalid value: -1'),
    `expected replicas at line 6, got ${JSON.stringify(found)}`);

  step('Tab indents with spaces and Ctrl+Z undoes it');
  await setText(page, 'a:\nb');
  await page.keyboard.press('Tab');
  check(await page.inputValue('#editor-input') === 'a:\nb  ', 'Tab should insert two spaces');
  await page.keyboard.press('Control+Z');
  check(await page.inputValue('#editor-input') === 'a:\nb', 'undo should remove them');

  step('fixed and applied: the terminal shows the apply and the object');
  await setText(page, MANIFEST.replace('imagee', 'image'));
  check((await problems(page)).length === 0, 'the fixed manifest should have no problems');
  await page.click('#editor-dry-run');
  await page.waitForSelector('#editor-output');
  let out = await page.locator('#editor-output').textContent();
  check(out.includes('deployment.apps/edited created (server dry run)'), `dry run output: ${out}`);
  await page.click('#editor-apply');
  await page.waitForFunction(() => {
    const text = document.querySelector('#editor-output')?.innerText ?? '';
    return !text.includes('--dry-run') && text.includes('deployment.apps/edited created');
  }, null, { timeout: 5000 });
  await page.screenshot({ path: join(shots, 'editor-applied.png') });
  await page.click('#tab-terminal-1');
  const applied = page.locator('.terminal-entry .command', { hasText: 'kubectl apply -f editor.yaml' });
  check(await applied.count() === 2, 'the terminal should show both apply commands as typed');
  out = await run(page, 'kubectl get deployment edited');
  check(out.exitCode === 0 && out.stdout.includes('edited'), `kubectl get deployment edited: ${out.stdout}${out.stderr}`);

  step('a 1,000-line file stays responsive');
  await page.click('#tab-editor');
  await page.waitForSelector('#editor-input');
  const big = Array.from({ length: 50 }, (_, i) => MANIFEST.replace('imagee', 'image').replaceAll('edited', `big-${i}`))
    .join('---\n');
  check(big.split('\n').length >= 900, 'the big file should have about 1,000 lines');
  await setText(page, big);
  await problems(page);
  const timing = await page.evaluate(async () => {
    const area = document.querySelector('#editor-input');
    area.focus();
    area.setSelectionRange(10, 10);
    const times = [];
    for (let i = 0; i < 5; i++) {
      const start = performance.now();
      document.execCommand('insertText', false, 'x');
      await new Promise((ok) => requestAnimationFrame(() => ok()));
      times.push(performance.now() - start);
    }
    return times;
  });
  const worst = Math.max(...timing);
  console.log(`    keystroke to next frame on 1,000 lines: ${timing.map((t) => t.toFixed(1)).join(', ')} ms`);
  check(worst < 250, `typing in a 1,000-line file took up to ${worst.toFixed(0)} ms per keystroke`);
  const started = Date.now();
  found = await problems(page);
  console.log(`    check of 1,000 lines shown ${Date.now() - started} ms after the last keystroke`);
  check(found.length >= 1 && found[0].line === 1, `the typed x should break line 1: ${JSON.stringify(found.slice(0, 2))}`);

  step('kubectl edit opens the object in the editor; a refused save re-opens it; Save applies');
  await page.click('#tab-terminal-1');
  await page.fill('#terminal-input', 'kubectl edit deployment edited');
  await page.press('#terminal-input', 'Enter');
  await page.waitForSelector('#editor-save', { timeout: 5000 });
  let text = await page.inputValue('#editor-input');
  check(text.startsWith('# Please edit the object below.') && text.includes('name: edited'), `edit text:\n${text.slice(0, 300)}`);
  await setText(page, text.replace('replicas: 2', 'replicas: -1'));
  await page.click('#editor-save');
  await page.waitForFunction(() => document.querySelector('#editor-input')?.value.includes('# deployments.apps "edited" was not valid:'), null, { timeout: 5000 });
  found = await problems(page);
  check(found.length === 1 && found[0].text.startsWith('spec.replicas: Invalid value: -1'),
    `the re-opened file should show the refused field: ${JSON.stringify(found)}`);
  await page.screenshot({ path: join(shots, 'editor-edit-refused.png') });
  text = await page.inputValue('#editor-input');
  await setText(page, text.replace('replicas: -1', 'replicas: 3'));
  await page.click('#editor-save');
  await page.waitForSelector('#terminal-input', { timeout: 5000 });
  const edited = await page.locator('.terminal-entry').last().innerText();
  check(edited.includes('kubectl edit deployment edited') && edited.includes('deployment.apps/edited edited'), `terminal after the edit:\n${edited}`);
  out = await run(page, 'kubectl get deployment edited -o jsonpath={.spec.replicas}');
  check(out.stdout === '3', `replicas after the edit: ${out.stdout}${out.stderr}`);
  await page.click('#tab-editor');

  step('dark theme and Korean');
  await setText(page, MANIFEST);
  await problems(page);
  await page.selectOption('#theme', 'dark');
  await page.selectOption('#language', 'ko');
  await page.waitForFunction(() => document.querySelector('#editor-dry-run')?.textContent === '드라이런');
  await problems(page);
  await page.screenshot({ path: join(shots, 'editor-dark-ko.png') });
});
