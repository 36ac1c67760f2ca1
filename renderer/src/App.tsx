import { useEffect, useRef, type ReactNode } from 'react';
import { AccountsIcon, LogsIcon, OverviewIcon, SettingsIcon } from './components/Icons';
import { ThemeSwitcher } from './components/ThemeSwitcher';
import { LiveProvider, useCliCommand, useLive, useServingWords } from './lib/live';
import { href, useRoute, type Route } from './lib/route';
import { AccountsView } from './views/AccountsView';
import { LogsView } from './views/LogsView';
import { OverviewView } from './views/OverviewView';
import { SettingsView } from './views/SettingsView';

const NAV: Array<{ route: Route; label: string; icon: () => ReactNode }> = [
  { route: 'overview', label: 'Overview', icon: OverviewIcon },
  { route: 'accounts', label: 'Accounts', icon: AccountsIcon },
  { route: 'logs', label: 'Logs', icon: LogsIcon },
  { route: 'settings', label: 'Settings', icon: SettingsIcon },
];

export function App() {
  if (typeof window.orchids === 'undefined') {
    return (
      <main className="fatal">
        <h1>Orchids Tray</h1>
        <p>
          This page needs Orchids Tray behind it. Open it from the tray menu, or from the “Dashboard:” link the headless
          app printed.
        </p>
      </main>
    );
  }
  return (
    <LiveProvider>
      <Shell />
    </LiveProvider>
  );
}

function Shell() {
  const route = useRoute();
  const mainRef = useRef<HTMLElement>(null);
  const first = useRef(true);
  // After navigating, move focus to the new view's heading so keyboard and screen-reader users land in it.
  useEffect(() => {
    if (first.current) {
      first.current = false;
      return;
    }
    mainRef.current?.querySelector<HTMLElement>('h1')?.focus();
  }, [route]);

  return (
    <div className="app">
      <a
        className="skip-link"
        href="#main"
        onClick={(e) => {
          e.preventDefault();
          mainRef.current?.querySelector<HTMLElement>('h1')?.focus();
        }}
      >
        Skip to content
      </a>
      {/* A sidebar in a wide window, a two-row bar of fixed height in a narrow one (styles/shell.css). */}
      <header className="app-bar">
        <div className="brand">
          <span className="brand-mark" aria-hidden="true" />
          <span className="brand-name">Orchids Tray</span>
        </div>
        <ProxyPill />
        <nav aria-label="Main" className="app-nav">
          <ul className="nav-list">
            {NAV.map(({ route: target, label, icon: NavIcon }) => (
              <li key={target}>
                <a href={href(target)} className="nav-link" aria-current={route === target ? 'page' : undefined}>
                  <NavIcon />
                  {label}
                </a>
              </li>
            ))}
          </ul>
        </nav>
        <div className="app-bar-theme">
          <ThemeSwitcher />
        </div>
      </header>
      <main id="main" className="content" ref={mainRef}>
        <ConnectionLost />
        {route === 'overview' && <OverviewView />}
        {route === 'accounts' && <AccountsView />}
        {route === 'logs' && <LogsView />}
        {route === 'settings' && <SettingsView />}
      </main>
    </div>
  );
}

/**
 * Without it a stopped core left the window as it was, "Running" and all, until a button press failed. A headless
 * restart ends the browser's session too, so the way back is a fresh Dashboard link, not waiting.
 */
function ConnectionLost() {
  const { connected, sessionEnded } = useLive();
  const dashboardCommand = useCliCommand('dashboard');
  if (connected) return null;
  if (sessionEnded) {
    return (
      <div className="connection-lost" role="alert">
        <strong>Orchids Tray is back, but this window is signed out.</strong> The app restarted (a restart ends every
        window's sign-in) or the sign-in expired. Open the Dashboard link the app printed, or get a fresh one with{' '}
        <code>{dashboardCommand}</code>; until then this window shows things as they were.
      </div>
    );
  }
  return (
    <div className="connection-lost" role="alert">
      <strong>Orchids Tray is not answering.</strong> What this window shows is as it was when the connection broke. If
      the app stopped, start it again (<code>npm run headless</code>, or <code>npm start</code> for the desktop app) and
      open the Dashboard link it prints. If it is still running, this window reconnects by itself.
    </div>
  );
}

function ProxyPill() {
  // The same words the Overview, the tray and a refused client get (contract/serving.ts).
  const words = useServingWords();
  const [text, tone] = words ? [words.headline, words.tone] : ['Connecting…', 'muted'];
  return (
    <p className={`proxy-pill pill-${tone}`} role="status" title={text}>
      <span className="dot" aria-hidden="true" />
      <span className="proxy-pill-text">{text}</span>
    </p>
  );
}
