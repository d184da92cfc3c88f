/**
 * What the diary's service worker (/diary/sw.js) and its page share: the names of the caches and
 * the worker's address and scope. Changing a cache's name makes the next worker drop the old one.
 */
export const DIARY_SW_PATH = "/diary/sw.js";
export const DIARY_SW_SCOPE = "/diary/";
/** The diary pages (one per link), network first. */
export const DIARY_PAGE_CACHE = "diary-pages-v1";
/** Next's static files (/_next/static/*: content-hashed scripts and styles), cache first. */
export const DIARY_STATIC_CACHE = "diary-static-v1";
