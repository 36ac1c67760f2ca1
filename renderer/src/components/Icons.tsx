import type { ReactNode } from 'react';

/**
 * Line icons drawn in the window's own SVG (no icon font: the CSP allows none), in the current text colour.
 * Decorative: each sits beside, or stands in for, a visible or accessible label, so it is hidden from assistive tech.
 */
function Icon({ children }: { children: ReactNode }) {
  return (
    <svg
      className="icon"
      viewBox="0 0 20 20"
      width="18"
      height="18"
      fill="none"
      stroke="currentColor"
      strokeWidth="1.6"
      strokeLinecap="round"
      strokeLinejoin="round"
      aria-hidden="true"
      focusable="false"
    >
      {children}
    </svg>
  );
}

export const OverviewIcon = () => (
  <Icon>
    <rect x="3" y="3" width="5.5" height="6.5" rx="1.2" />
    <rect x="11.5" y="3" width="5.5" height="4" rx="1.2" />
    <rect x="3" y="12.5" width="5.5" height="4.5" rx="1.2" />
    <rect x="11.5" y="10" width="5.5" height="7" rx="1.2" />
  </Icon>
);

export const AccountsIcon = () => (
  <Icon>
    <circle cx="8" cy="7" r="3" />
    <path d="M2.5 16.5c.6-2.8 2.8-4.5 5.5-4.5s4.9 1.7 5.5 4.5" />
    <path d="M13 4.3a3 3 0 0 1 0 5.4M15.2 12.4c1.2.7 2 1.9 2.3 3.6" />
  </Icon>
);

export const LogsIcon = () => (
  <Icon>
    <path d="M7.5 5h9.5M7.5 10h9.5M7.5 15h9.5" />
    <path d="M3 5h.5M3 10h.5M3 15h.5" />
  </Icon>
);

export const SettingsIcon = () => (
  <Icon>
    <path d="M3 5.5h7M14 5.5h3M3 14.5h3M10 14.5h7" />
    <circle cx="12" cy="5.5" r="2" />
    <circle cx="8" cy="14.5" r="2" />
  </Icon>
);

export const SystemThemeIcon = () => (
  <Icon>
    <rect x="2.5" y="3.5" width="15" height="10" rx="1.5" />
    <path d="M7 17h6M10 13.5V17" />
  </Icon>
);

export const LightThemeIcon = () => (
  <Icon>
    <circle cx="10" cy="10" r="3.2" />
    <path d="M10 2.5v1.8M10 15.7v1.8M2.5 10h1.8M15.7 10h1.8M4.7 4.7l1.3 1.3M14 14l1.3 1.3M4.7 15.3 6 14M14 6l1.3-1.3" />
  </Icon>
);

export const DarkThemeIcon = () => (
  <Icon>
    <path d="M16.5 12.3A6.8 6.8 0 0 1 7.7 3.5a6.8 6.8 0 1 0 8.8 8.8Z" />
  </Icon>
);

/** A disclosure's arrow: points right while closed; CSS turns it down while `aria-expanded` is true. */
export const DisclosureIcon = () => (
  <Icon>
    <path d="M8 5l5 5-5 5" />
  </Icon>
);
