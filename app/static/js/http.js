/*
 * ParkAtlas (园区一张图) — the one way page scripts talk to the JSON API.
 *
 * fetchJson sends the session cookie (and the CSRF token on unsafe methods), turns
 * the API's JSON error ({"error": {"code", "message"}}) into an Error with its
 * message, and sends the browser to the login page on a 401, coming back here
 * afterwards (it then rejects with AuthRedirect, which callers ignore).
 */

/** The rejection of a request answered 401: the browser is on its way to the login page. */
export class AuthRedirect extends Error {
  constructor() {
    super('redirecting to the login page');
    this.name = 'AuthRedirect';
  }
}

let redirecting = false;

/** Send the browser to the login page (once), coming back to this page afterwards. */
export function redirectToLogin(loginUrl) {
  if (redirecting) { return; }
  redirecting = true;
  const login = loginUrl || '/login';
  const next = window.location.pathname + window.location.search;
  window.location.assign(login + (login.indexOf('?') >= 0 ? '&' : '?') +
    'next=' + encodeURIComponent(next));
}

/** The page's CSRF token (base.html puts it in a meta element). */
export function csrfToken() {
  const meta = document.querySelector('meta[name="csrf-token"]');
  return meta ? meta.getAttribute('content') : '';
}

/** Fill {status} into the HTTP error text. */
function httpErrorText(template, status) {
  return String(template || 'HTTP error {status}').replace('{status}', String(status));
}

/**
 * Request JSON from the app and resolve with the parsed body.
 *
 * options: method (default GET); body (sent as JSON); headers (more request headers,
 * e.g. If-Match); login (login page URL); httpError ('HTTP error {status}' in the page's
 * language) and networkError texts. A rejection for an error answer carries `status` and
 * the API's `error` object ({code, message, details}).
 */
export function fetchJson(url, options) {
  const opts = options || {};
  const method = (opts.method || 'GET').toUpperCase();
  const headers = Object.assign({Accept: 'application/json'}, opts.headers || {});
  const init = {method: method, credentials: 'same-origin', headers: headers};
  if (opts.body !== undefined) {
    headers['Content-Type'] = 'application/json';
    init.body = JSON.stringify(opts.body);
  }
  if (method !== 'GET' && method !== 'HEAD') { headers['X-CSRFToken'] = csrfToken(); }
  return window.fetch(String(url), init).then((resp) => {
    if (resp.status === 401) {
      redirectToLogin(opts.login);
      throw new AuthRedirect();
    }
    return resp.json().catch(() => null).then((body) => {
      if (!resp.ok || body === null) {
        const detail = body && body.error && body.error.message;
        const err = new Error(detail || httpErrorText(opts.httpError, resp.status));
        err.status = resp.status;
        err.error = (body && body.error) || null;
        throw err;
      }
      return body;
    });
  }, () => {
    throw new Error(opts.networkError || 'Network error');
  });
}
