// kubeplay's service worker: keeps the app shell, the wasm, the styles and the explain data in a
// cache so that after a first visit the page loads with the network off.
// The build (scripts/post-build.mjs) fills in VERSION and ASSETS; each build gets its own cache,
// and the old ones are deleted when the new worker takes over.
const VERSION = '__KUBEPLAY_VERSION__';
const ASSETS = ['__KUBEPLAY_ASSETS__'];
const CACHE = `kubeplay-${VERSION}`;

self.addEventListener('install', (event) => {
  event.waitUntil(
    caches.open(CACHE)
      .then((cache) => cache.addAll(ASSETS.map((a) => new Request(a, { cache: 'reload' }))))
      .then(() => self.skipWaiting()),
  );
});

self.addEventListener('activate', (event) => {
  event.waitUntil(
    caches.keys()
      .then((keys) => Promise.all(keys.filter((k) => k.startsWith('kubeplay-') && k !== CACHE).map((k) => caches.delete(k))))
      .then(() => self.clients.claim()),
  );
});

self.addEventListener('fetch', (event) => {
  const request = event.request;
  if (request.method !== 'GET' || new URL(request.url).origin !== self.location.origin) return;
  if (request.mode === 'navigate') {
    // The page itself: the network first (a new build shows at once), the cache when offline.
    event.respondWith(
      fetch(request).catch(() =>
        caches.open(CACHE).then((cache) => cache.match('./', { ignoreSearch: true }))
          .then((hit) => hit ?? Response.error())),
    );
    return;
  }
  // Everything else is named by its content (or versioned with the cache): the cache first.
  event.respondWith(
    caches.open(CACHE)
      .then((cache) => cache.match(request, { ignoreSearch: true }))
      .then((hit) => hit ?? fetch(request)),
  );
});
