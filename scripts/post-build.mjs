// Trunk post-build hook (Trunk.toml [[hooks]]): makes the built page work under a strict
// Content-Security-Policy and offline.
//  1. Trunk starts the app with an inline <script type="module">; a CSP without 'unsafe-inline'
//     would block it, so it moves to its own file boot-<hash>.js, loaded with `src`.
//  2. The lessons (lessons/, data the wasm does not hold) are copied into lessons/ with an
//     index.json the lesson pane reads first; each lesson's files are fetched when opened.
//  3. The service worker (static/sw.js, copied by Trunk) gets the build's file list and a
//     version made from their contents: a new build installs a new cache and drops the old.
// Works on TRUNK_STAGING_DIR (or the directory given as the first argument).
import { createHash } from 'node:crypto';
import { readdir, readFile, writeFile, stat, mkdir, copyFile } from 'node:fs/promises';
import { join, relative } from 'node:path';

const dir = process.env.TRUNK_STAGING_DIR ?? process.argv[2];
if (!dir) throw new Error('post-build: TRUNK_STAGING_DIR is not set');
const sha = (data, n = 16) => createHash('sha256').update(data).digest('hex').slice(0, n);

// 1. The inline module script.
const htmlPath = join(dir, 'index.html');
let html = await readFile(htmlPath, 'utf8');
const inline = /<script type="module">([\s\S]*?)<\/script>/;
const found = html.match(inline);
if (found) {
  const body = found[1].trim() + '\n';
  const name = `boot-${sha(body)}.js`;
  await writeFile(join(dir, name), body);
  const integrity = `sha384-${createHash('sha384').update(body).digest('base64')}`;
  html = html.replace(inline, `<script type="module" src="/${name}" integrity="${integrity}"></script>`);
  await writeFile(htmlPath, html);
}
if (/<script(?![^>]*\bsrc=)[^>]*>/.test(html)) {
  // `trunk serve` adds its auto-reload script inline (with values filled in per request, so it
  // cannot move to a file): serve with --no-autoreload, as scripts/serve.sh does.
  throw new Error('post-build: index.html has an inline script, which the CSP would block (trunk serve needs --no-autoreload)');
}

// 2. The lessons and their index.
const source = process.env.TRUNK_SOURCE_DIR ?? process.cwd();
const lessonsIn = join(source, 'lessons');
const lessonsOut = join(dir, 'lessons');
// Front matter values the list needs: `key: value` lines, `[a, b]` lists.
function frontMatter(text) {
  const m = text.match(/^---\r?\n([\s\S]*?)\r?\n---/);
  const out = {};
  for (const line of (m ? m[1] : '').split(/\r?\n/)) {
    const kv = line.match(/^(\w+):\s*(.*?)\s*(#.*)?$/);
    if (!kv) continue;
    let v = kv[2];
    if (/^\[.*\]$/.test(v)) v = v.slice(1, -1).split(',').map((x) => x.trim()).filter(Boolean);
    else if (/^\d+$/.test(v)) v = Number(v);
    else v = v.replace(/^(["'])(.*)\1$/, '$2');
    out[kv[1]] = v;
  }
  return out;
}
const index = { lessons: [], drills: [] };
await mkdir(lessonsOut, { recursive: true });
for (const folder of (await readdir(lessonsIn)).sort()) {
  const from = join(lessonsIn, folder);
  if (!(await stat(from)).isDirectory()) continue; // README.md, FORMAT.md: not for the page
  await mkdir(join(lessonsOut, folder), { recursive: true });
  const names = (await readdir(from)).sort();
  for (const name of names) await copyFile(join(from, name), join(lessonsOut, folder, name));
  if (folder === 'drills') {
    index.drills = names.filter((n) => n.endsWith('.yaml'));
    continue;
  }
  const en = frontMatter(await readFile(join(from, 'en.md'), 'utf8'));
  const ko = frontMatter(await readFile(join(from, 'ko.md'), 'utf8'));
  const exercises = names.includes('exercises.yaml')
    ? [...(await readFile(join(from, 'exercises.yaml'), 'utf8')).matchAll(/^- id:\s*(\S+)/gm)].map((x) => x[1])
    : [];
  index.lessons.push({
    folder,
    id: en.id,
    order: en.order ?? 0,
    title: { en: en.title ?? en.id, ko: ko.title ?? en.title ?? en.id },
    minutes: en.minutes ?? 0,
    kind: en.kind ?? 'practice',
    prerequisites: en.prerequisites ?? [],
    exercises,
    setup: names.includes('setup.sh'),
  });
}
index.lessons.sort((a, b) => a.order - b.order);
await writeFile(join(lessonsOut, 'index.json'), JSON.stringify(index));

// 3. The service worker's asset list and version.
async function files(d) {
  const out = [];
  for (const name of await readdir(d)) {
    const path = join(d, name);
    if ((await stat(path)).isDirectory()) out.push(...(await files(path)));
    else out.push(path);
  }
  return out;
}
const swPath = join(dir, 'sw.js');
const all = (await files(dir)).filter((p) => p !== swPath).sort();
const hash = createHash('sha256');
for (const p of all) hash.update(relative(dir, p)).update(await readFile(p));
const version = hash.digest('hex').slice(0, 16);
const assets = ['./', ...all.map((p) => relative(dir, p).split('\\').join('/'))];
let sw = await readFile(swPath, 'utf8');
sw = sw.replace("'__KUBEPLAY_VERSION__'", JSON.stringify(version))
  .replace("['__KUBEPLAY_ASSETS__']", JSON.stringify(assets));
await writeFile(swPath, sw);
console.log(`post-build: boot script ${found ? 'moved out' : 'already external'}; ${index.lessons.length} lessons, ${index.drills.length} drills; service worker ${version}, ${assets.length} files`);
