// The API as the page calls it: /v1 with the key in the X-Api-Key header (never in a URL), and the public routes.
import { state } from './state.js';
import { pause } from './status.js';

/** GET of a /v1 path with the key in its header: { status, body, retryAfter }; status 0 when the network failed. */
export async function api(path) {
  path = asOf(path);
  const headers = { Accept: 'application/json' };
  if (state.key) headers['X-Api-Key'] = state.key;
  try {
    const response = await fetch(path, { headers, cache: 'no-store', credentials: 'omit', referrerPolicy: 'no-referrer' });
    let body = null;
    try { body = await response.json(); } catch { body = null; }
    const retryAfter = Number(response.headers.get('Retry-After')) || null;
    if (response.status === 429) pause(retryAfter || 60, body && body.message);
    return { status: response.status, body, retryAfter };
  } catch (error) {
    return { status: 0, body: null, error };
  }
}

/** GET of a public JSON route (/health, /dashboard/config.json); null when it failed. */
export async function publicJson(path) {
  try {
    const response = await fetch(path, { cache: 'no-store', credentials: 'omit' });
    return response.ok ? await response.json() : null;
  } catch {
    return null;
  }
}

/** A flow read asked as of the page's instant (`at`, docs/api.md "History"); the account is always now. */
export function asOf(path) {
  if (!state.at || !/^\/v1\/(flow|strategies)\//.test(path)) return path;
  return `${path}${path.includes('?') ? '&' : '?'}at=${encodeURIComponent(state.at)}`;
}
