/**
 * Where a sign-in in a small window lands (the session expired while the official was working):
 * tells the console's window and closes. A failed sign-in (`?loi=`) says why instead.
 */
import { signInFailures } from './signin.js';

const failure = new URLSearchParams(location.search).get('loi');
const message = document.getElementById('signed-in-message');
if (failure) {
  if (message) message.textContent = signInFailures[failure] ?? signInFailures.failed;
} else {
  window.opener?.postMessage({ type: 'tthc-signed-in' }, location.origin);
  window.close();
}
