/**
 * The console's passkey script: registering a passkey (settings page) and
 * signing in with one (sign-in page). The server makes the WebAuthn options
 * and checks every answer; this only carries them to the browser's
 * authenticator (navigator.credentials.create/get) and back. Served from our
 * origin as an ES module under a content-hashed name (CSP script-src 'self':
 * no inline code, no eval); plain JavaScript kept here as text, like the
 * stylesheet, so that it ships with the compiled service.
 */
export const PASSKEYS_JS = `
const toBytes = (b64url) => {
  const b64 = b64url.replace(/-/g, '+').replace(/_/g, '/') + '==='.slice((b64url.length + 3) % 4);
  return Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
};

const toB64url = (buffer) => {
  let s = '';
  for (const byte of new Uint8Array(buffer)) s += String.fromCharCode(byte);
  return btoa(s).replace(/\\+/g, '-').replace(/\\//g, '_').replace(/=+$/, '');
};

async function postJson(url, body, csrf) {
  const headers = { 'Content-Type': 'application/json', Accept: 'application/json' };
  if (csrf) headers['X-CSRF-Token'] = csrf;
  const res = await fetch(url, { method: 'POST', headers, body: JSON.stringify(body), credentials: 'same-origin' });
  const data = await res.json().catch(() => ({}));
  return { ok: res.ok, data };
}

function say(id, text) {
  const el = document.getElementById(id);
  if (el) {
    el.textContent = text;
    el.hidden = !text;
  }
}

async function register(form) {
  const csrf = form.querySelector('input[name="_csrf"]').value;
  const name = form.querySelector('input[name="name"]').value;
  say('passkey-error', '');
  const options = await postJson('/console/passkeys/options', {}, csrf);
  if (!options.ok) return say('passkey-error', options.data.message || 'Could not start registering a passkey.');
  const o = options.data;
  const publicKey = {
    ...o,
    challenge: toBytes(o.challenge),
    user: { ...o.user, id: toBytes(o.user.id) },
    excludeCredentials: (o.excludeCredentials || []).map((c) => ({ ...c, id: toBytes(c.id) })),
  };
  let credential;
  try {
    credential = await navigator.credentials.create({ publicKey });
  } catch {
    return say('passkey-error', 'The passkey was not created (cancelled or not allowed).');
  }
  const r = credential.response;
  const response = {
    id: credential.id,
    rawId: toB64url(credential.rawId),
    type: credential.type,
    response: {
      clientDataJSON: toB64url(r.clientDataJSON),
      attestationObject: toB64url(r.attestationObject),
      transports: typeof r.getTransports === 'function' ? r.getTransports() : [],
    },
    clientExtensionResults: credential.getClientExtensionResults(),
    ...(credential.authenticatorAttachment ? { authenticatorAttachment: credential.authenticatorAttachment } : {}),
  };
  const saved = await postJson('/console/passkeys', { name, response }, csrf);
  if (!saved.ok) return say('passkey-error', saved.data.message || 'The passkey was not saved.');
  window.location.assign('/console/passkeys?added=yes');
}

async function signIn(button) {
  say('passkey-error', '');
  // A login typed above asks for that account's passkeys (also those the authenticator does not list by itself).
  const login = (document.getElementById('login') || {}).value || '';
  const options = await postJson('/console/sign-in/passkey/options', login.trim() ? { login: login.trim() } : {});
  if (!options.ok) return say('passkey-error', options.data.message || 'Could not start a passkey sign-in.');
  const o = options.data;
  const publicKey = {
    ...o,
    challenge: toBytes(o.challenge),
    allowCredentials: (o.allowCredentials || []).map((c) => ({ ...c, id: toBytes(c.id) })),
  };
  let credential;
  try {
    credential = await navigator.credentials.get({ publicKey });
  } catch {
    return say('passkey-error', 'No passkey was used (cancelled or not allowed).');
  }
  const r = credential.response;
  const response = {
    id: credential.id,
    rawId: toB64url(credential.rawId),
    type: credential.type,
    response: {
      clientDataJSON: toB64url(r.clientDataJSON),
      authenticatorData: toB64url(r.authenticatorData),
      signature: toB64url(r.signature),
      ...(r.userHandle ? { userHandle: toB64url(r.userHandle) } : {}),
    },
    clientExtensionResults: credential.getClientExtensionResults(),
    ...(credential.authenticatorAttachment ? { authenticatorAttachment: credential.authenticatorAttachment } : {}),
  };
  const done = await postJson('/console/sign-in/passkey', { response, next: button.dataset.next || '/console' });
  if (!done.ok) return say('passkey-error', done.data.message || 'Sign-in with the passkey failed.');
  window.location.assign(done.data.next);
}

// Both parts stay hidden where the browser has no WebAuthn: the page works as plain forms without them.
if (window.PublicKeyCredential) {
  const form = document.getElementById('passkey-register');
  if (form) {
    form.hidden = false;
    form.addEventListener('submit', (e) => {
      e.preventDefault();
      void register(form);
    });
  }
  const button = document.getElementById('passkey-sign-in');
  if (button) {
    button.closest('[hidden]')?.removeAttribute('hidden');
    button.addEventListener('click', () => void signIn(button));
  }
}
`;
