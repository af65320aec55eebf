/**
 * The console's shell: the router (hash routes, so the static server needs one page), the
 * navigation of each role, and the signed-in official. Screens live in their own modules.
 *
 *   #/dang-nhap                sign in (with the identity provider)
 *   #/quay                     counter: receive a dossier, dossiers waiting to be handed back
 *   #/ho-so                    worklist of my unit
 *   #/ho-so/{code}             one dossier: timeline, deadlines, my actions
 *   #/bieu-mau/{code}/{form}   a statutory form, ready to print on A5
 *   #/giam-sat                 Decision 766 dashboard, live
 *   #/tra-cuu                  citizen lookup (no sign-in)
 */
import { organisation, session, setUnauthorizedHandler } from './api.js';
import { counterScreen } from './counter/counter-screen.js';
import { dashboardScreen } from './dashboard.js';
import { dossierScreen } from './dossier.js';
import { printScreen } from './forms.js';
import { lookupScreen } from './lookup.js';
import { displayNames } from './names.js';
import { sessionExpiredNotice, signInScreen } from './signin.js';
import { h, mount, toast } from './ui.js';
import { worklistScreen } from './worklist.js';

const main = document.getElementById('main');
const nav = document.getElementById('nav');
const userBox = document.getElementById('user');

const menus = {
  'counter-officer': [
    ['#/quay', 'Tiếp nhận hồ sơ'],
    ['#/ho-so', 'Danh sách hồ sơ'],
  ],
  specialist: [['#/ho-so', 'Hồ sơ cần xử lý']],
  leader: [
    ['#/ho-so', 'Hồ sơ cần xử lý'],
    ['#/giam-sat', 'Chỉ số 766'],
  ],
  supervisor: [
    ['#/giam-sat', 'Chỉ số 766'],
    ['#/ho-so', 'Hồ sơ'],
  ],
  administrator: [
    ['#/giam-sat', 'Chỉ số 766'],
    ['#/ho-so', 'Hồ sơ'],
  ],
};

const homes = {
  'counter-officer': '#/quay',
  specialist: '#/ho-so',
  leader: '#/ho-so',
  supervisor: '#/giam-sat',
  administrator: '#/giam-sat',
};

let cleanups = [];
let pendingRoute;
let signedOutMessage;

function renderChrome(official, path) {
  const items = official ? (menus[official.role] ?? []) : [];
  mount(
    nav,
    h(
      'ul',
      {},
      [...items, ['#/tra-cuu', 'Tra cứu hồ sơ']].map(([href, label]) =>
        h('li', {}, h('a', { href, 'aria-current': path.startsWith(href) ? 'page' : undefined }, label)),
      ),
    ),
  );
  if (!official) {
    mount(userBox, h('a', { href: '#/dang-nhap', class: 'button small' }, 'Đăng nhập cán bộ'));
    return;
  }
  const unitLabel = h('span', { class: 'user-unit' }, official.unit);
  organisation()
    .then((org) => {
      unitLabel.textContent = org.byCode.get(official.unit)?.name ?? official.unit;
    })
    .catch(() => undefined);
  mount(
    userBox,
    h(
      'span',
      { class: 'user-who' },
      h('span', { class: 'user-name' }, official.name),
      h('span', { class: 'user-role' }, displayNames.roles[official.role] ?? official.role),
      unitLabel,
    ),
    h(
      'button',
      {
        type: 'button',
        class: 'secondary small',
        onclick: async () => {
          await session.signOut();
          signedOutMessage = 'Bạn đã đăng xuất.';
          if (location.hash === '#/dang-nhap') route();
          else location.hash = '#/dang-nhap';
        },
      },
      'Đăng xuất',
    ),
  );
}

async function route() {
  for (const cleanup of cleanups) cleanup();
  cleanups = [];
  const onCleanup = (fn) => cleanups.push(fn);
  const path = location.hash.replace(/^#/, '') || '/';
  const official = session.official;
  renderChrome(official, `#${path}`);
  const parts = path.split('/').filter(Boolean).map(decodeURIComponent);
  const [screen, a, b] = parts;

  if (screen === 'tra-cuu') {
    document.title = 'Tra cứu hồ sơ — tthc-flow';
    lookupScreen(main);
    return focusMain();
  }
  if (official && screen === 'dang-nhap') {
    location.replace(homes[official.role] ?? '#/ho-so');
    return;
  }
  if (!official) {
    if (screen && screen !== 'dang-nhap') pendingRoute = location.hash;
    document.title = 'Đăng nhập — tthc-flow';
    renderChrome(undefined, '#/dang-nhap');
    signInScreen(main, { message: signedOutMessage, returnTo: pendingRoute });
    signedOutMessage = undefined;
    return focusMain();
  }
  switch (screen) {
    case 'quay':
      document.title = 'Tiếp nhận hồ sơ — tthc-flow';
      if (official.role !== 'counter-officer') {
        mount(
          main,
          h('h1', {}, 'Tiếp nhận hồ sơ'),
          h('p', { class: 'alert alert-info' }, 'Chỉ cán bộ một cửa tiếp nhận hồ sơ.'),
        );
        break;
      }
      await counterScreen(main, official);
      break;
    case 'ho-so':
      if (a) {
        document.title = `Hồ sơ ${a} — tthc-flow`;
        await dossierScreen(main, official, a, onCleanup);
      } else {
        document.title = 'Danh sách hồ sơ — tthc-flow';
        await worklistScreen(main, official, onCleanup);
      }
      break;
    case 'bieu-mau':
      document.title = `Biểu mẫu ${b ?? ''} — ${a ?? ''}`;
      await printScreen(main, a, b);
      break;
    case 'giam-sat':
      document.title = 'Chỉ số 766 — tthc-flow';
      await dashboardScreen(main, official, onCleanup);
      break;
    default:
      location.replace(homes[official.role] ?? '#/ho-so');
      return;
  }
  focusMain();
}

function focusMain() {
  const heading = main.querySelector('h1');
  if (heading) {
    heading.setAttribute('tabindex', '-1');
    heading.focus({ preventScroll: true });
  }
}

// The session ended while the official was working: the page stays as it is (a form keeps what
// was typed) and a notice offers to sign in again in a small window.
setUnauthorizedHandler(() => {
  const before = session.official;
  session.forget();
  toast('Phiên đăng nhập đã hết hạn.', 'error');
  sessionExpiredNotice(main, {
    onSignedIn: async () => {
      const official = await session.load();
      if (!official) return false;
      renderChrome(official, location.hash || '#/');
      if (before && (official.id !== before.id || official.role !== before.role)) route();
      else toast('Đã đăng nhập lại; hãy gửi lại thao tác.', 'success');
      return true;
    },
  });
});

document.querySelector('.skip-link')?.addEventListener('click', (event) => {
  event.preventDefault();
  main.focus();
});

window.addEventListener('hashchange', route);
await session.load();
route();
