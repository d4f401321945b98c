// The site's service worker: Pyodide (about 14 MB) and the workspace's checks are kept in the
// browser's Cache API the first time any exercise page runs them, so every other exercise page,
// in either language, starts Python without downloading it again, online or offline. Pages the
// learner has visited are kept too (the network first, the copy when offline).
const PYODIDE_CACHE = "mgc-pyodide-PYODIDE_VERSION";
const PAGES_CACHE = "mgc-pages";
// Never change under the same name: Pyodide's files (its version is in the cache's name) and the
// checks' bundle (its name holds a hash of its content). Everything else: the network first.
const KEPT = ["/javascripts/vendor/pyodide/", "/workspace/mgc-"];

self.addEventListener("install", () => self.skipWaiting());
self.addEventListener("activate", (event) => {
  event.waitUntil(
    (async () => {
      for (const name of await caches.keys()) {
        if (name.startsWith("mgc-pyodide-") && name !== PYODIDE_CACHE) await caches.delete(name);
      }
      await self.clients.claim();
    })(),
  );
});

async function cacheFirst(request) {
  const cache = await caches.open(PYODIDE_CACHE);
  const kept = await cache.match(request);
  if (kept) return kept;
  const response = await fetch(request);
  if (response.ok) await cache.put(request, response.clone());
  return response;
}

async function networkFirst(request) {
  const cache = await caches.open(PAGES_CACHE);
  try {
    const response = await fetch(request);
    if (response.ok) await cache.put(request, response.clone());
    return response;
  } catch (error) {
    const kept = await cache.match(request);
    if (kept) return kept;
    throw error;
  }
}

self.addEventListener("fetch", (event) => {
  const request = event.request;
  const url = new URL(request.url);
  if (request.method !== "GET" || url.origin !== location.origin) return;
  const scope = new URL(self.registration.scope).pathname;
  const path = "/" + url.pathname.slice(scope.length);
  if (KEPT.some((prefix) => path.startsWith(prefix))) {
    event.respondWith(cacheFirst(request));
  } else {
    event.respondWith(networkFirst(request));
  }
});
