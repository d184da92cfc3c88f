import { DIARY_PAGE_CACHE, DIARY_STATIC_CACHE, DIARY_SW_SCOPE } from "../offline";

/**
 * GET /diary/sw.js: the patient diary's service worker (scope /diary/). It keeps the diary
 * working without a connection once opened:
 * - a diary page (a navigation under /diary/) comes from the network first, and from the cache
 *   when the network fails; a page the server no longer has (404: the link stopped) is dropped;
 * - Next's static files (/_next/static/*, content-hashed) and the app's icon come from the cache first.
 * Everything else (the diary's API included) goes to the network untouched: entries made offline
 * wait in the page's own queue, never in the worker.
 */
const SOURCE = `
const PAGES = ${JSON.stringify(DIARY_PAGE_CACHE)};
const STATIC = ${JSON.stringify(DIARY_STATIC_CACHE)};
const SCOPE = ${JSON.stringify(DIARY_SW_SCOPE)};
const OFFLINE_PAGE = '<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>Offline / Sin conexión</title></head>' +
  '<body style="font-family:system-ui,sans-serif;margin:1rem;line-height:1.5"><main><h1>You are offline</h1>' +
  '<p>This diary page has not been saved on this phone yet. Open it again when you have a connection.</p>' +
  '<h2 lang="es">No tiene conexión</h2><p lang="es">Esta página del diario todavía no está guardada en este teléfono. Ábrala de nuevo cuando tenga conexión.</p></main></body></html>';

self.addEventListener("install", () => self.skipWaiting());

self.addEventListener("activate", (event) => {
  event.waitUntil((async () => {
    for (const name of await caches.keys()) {
      if (name.startsWith("diary-") && name !== PAGES && name !== STATIC) await caches.delete(name);
    }
    await self.clients.claim();
  })());
});

async function networkFirst(event) {
  const request = event.request;
  const url = new URL(request.url);
  const key = url.origin + url.pathname;
  const cache = await caches.open(PAGES);
  try {
    const response = await fetch(request);
    // The page streams: it is stored while the patient already sees it.
    if (response.status === 200) event.waitUntil(cache.put(key, response.clone()));
    else if (response.status === 404 || response.status === 410) event.waitUntil(cache.delete(key, { ignoreVary: true }));
    return response;
  } catch (error) {
    const cached = await cache.match(key, { ignoreVary: true, ignoreSearch: true });
    if (cached) return cached;
    return new Response(OFFLINE_PAGE, { status: 503, headers: { "Content-Type": "text/html; charset=utf-8", "Cache-Control": "no-store" } });
  }
}

async function cacheFirst(event) {
  const request = event.request;
  const cache = await caches.open(STATIC);
  const cached = await cache.match(request, { ignoreVary: true });
  if (cached) return cached;
  const response = await fetch(request);
  if (response.status === 200) event.waitUntil(cache.put(request, response.clone()));
  return response;
}

self.addEventListener("fetch", (event) => {
  const request = event.request;
  if (request.method !== "GET") return;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (url.pathname.startsWith("/_next/static/") || url.pathname === "/icon.svg") {
    event.respondWith(cacheFirst(event));
  } else if (request.mode === "navigate" && url.pathname.startsWith(SCOPE)) {
    event.respondWith(networkFirst(event));
  }
});
`;

export const dynamic = "force-static";

export function GET(): Response {
  return new Response(SOURCE, {
    headers: {
      "Content-Type": "application/javascript; charset=utf-8",
      "Cache-Control": "no-cache",
      "Service-Worker-Allowed": DIARY_SW_SCOPE,
    },
  });
}
