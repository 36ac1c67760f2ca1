import { useEffect, useRef } from 'react';
import { servingWords } from '../../contract/serving';
import { ThemeSwitcher } from './components/ThemeSwitcher';
import { LiveProvider, useLive } from './lib/live';
import { href, useRoute, type Route } from './lib/route';
import { AccountsView } from './views/AccountsView';
import { LogsView } from './views/LogsView';
import { OverviewView } from './views/OverviewView';
import { SettingsView } from './views/SettingsView';

const NAV: Array<{ route: Route; label: string }> = [
  { route: 'overview', label: 'Overview' },
  { route: 'accounts', label: 'Accounts' },
  { route: 'logs', label: 'Logs' },
  { route: 'settings', label: 'Settings' },
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
      <aside className="sidebar">
        <div className="brand">
          <span className="brand-mark" aria-hidden="true" />
          <span className="brand-name">Orchids Tray</span>
        </div>
        <ProxyPill />
        <nav aria-label="Main">
          <ul className="nav-list">
            {NAV.map((item) => (
              <li key={item.route}>
                <a
                  href={href(item.route)}
                  className="nav-link"
                  aria-current={route === item.route ? 'page' : undefined}
                >
                  {item.label}
                </a>
              </li>
            ))}
          </ul>
        </nav>
        <div className="sidebar-foot">
          <ThemeSwitcher />
        </div>
      </aside>
      <main id="main" className="content" ref={mainRef}>
        {route === 'overview' && <OverviewView />}
        {route === 'accounts' && <AccountsView />}
        {route === 'logs' && <LogsView />}
        {route === 'settings' && <SettingsView />}
      </main>
    </div>
  );
}

function ProxyPill() {
  const { status } = useLive();
  let text = 'Connecting…';
  let tone = 'muted';
  if (status) {
    // The same words the Overview, the tray and a refused client get (contract/serving.ts).
    const words = servingWords(status.serving);
    [text, tone] = [words.headline, words.tone];
  }
  return (
    <p className={`proxy-pill pill-${tone}`} role="status">
      <span className="dot" aria-hidden="true" />
      {text}
    </p>
  );
}
