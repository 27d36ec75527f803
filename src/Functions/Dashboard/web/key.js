// The API key: from the address (then removed from it), from this browser's storage, or in the Development
// environment the app's own Development key. It is sent only in the X-Api-Key header of this origin's /v1 requests.
import { $ } from './dom.js';
import { keyFromAddress } from './logic.js';
import { KEY_STORAGE, state, storage } from './state.js';

export function takeKeyFromAddress() {
  const { key, search, hash } = keyFromAddress(location.search, location.hash);
  if (!key) return;
  storage.set(KEY_STORAGE, key);
  state.key = key;
  history.replaceState(null, '', location.pathname + search + hash);
}

export function loadKey() {
  if (state.key) return;
  const stored = storage.get(KEY_STORAGE);
  state.key = stored || state.config.development_key;
  state.developmentKey = !stored && Boolean(state.key);
}

export function showKeyInput() {
  const input = $('#api-key');
  input.value = state.developmentKey ? '' : state.key || '';
  input.placeholder = state.developmentKey ? 'Development key in use' : 'X-Api-Key';
}
