// The frame around every page: navigation (a side bar on desktop, a bottom
// bar plus a menu on phones), the search button (Ctrl/Cmd-K), the user menu.
import { useEffect, useState, type ReactNode } from 'react';
import { NavLink, useLocation } from 'react-router';
import { useAuth, useMe } from '../auth/AuthContext';
import { Icon } from '../components/Icon';
import { CommandPalette } from './CommandPalette';
import { NotificationBell } from '../team/NotificationBell'; // issue 5: notifications
import { initials } from '../lib/format';

export const NAV = [
  { to: '/my-day', label: 'My day', icon: 'myday' },
  { to: '/leads', label: 'Leads', icon: 'leads' },
  { to: '/campaigns', label: 'Campaigns', icon: 'campaigns' }, // issue 4: campaigns
  { to: '/contacts', label: 'Contacts', icon: 'contacts' },
  { to: '/accounts', label: 'Accounts', icon: 'accounts' },
  { to: '/opportunities', label: 'Opportunities', icon: 'opportunities' },
  { to: '/pipeline', label: 'Pipeline', icon: 'pipeline' },
  { to: '/activities', label: 'Activities', icon: 'activities' },
  { to: '/following', label: 'Following', icon: 'history' }, // issue 5: team selling feed
  { to: '/cases', label: 'Cases', icon: 'cases' },
  { to: '/admin', label: 'Admin', icon: 'admin', adminOnly: true },
];

/** The five destinations a rep in the field needs most, at the bottom of a phone screen. */
const MOBILE_TABS = ['/my-day', '/leads', '/pipeline', '/contacts'];

export function AppShell({ children }: { children: ReactNode }) {
  const me = useMe();
  const { logout } = useAuth();
  const [paletteOpen, setPaletteOpen] = useState(false);
  const [menuOpen, setMenuOpen] = useState(false);
  const location = useLocation();

  useEffect(() => setMenuOpen(false), [location.pathname]);

  useEffect(() => {
    function onKey(e: KeyboardEvent) {
      if ((e.ctrlKey || e.metaKey) && e.key.toLowerCase() === 'k') {
        e.preventDefault();
        setPaletteOpen(true);
      } else if (e.key === '/' && !isTyping(e.target)) {
        e.preventDefault();
        setPaletteOpen(true);
      }
    }
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);

  const items = NAV.filter((n) => !n.adminOnly || me.role === 'admin');
  const isMac = typeof navigator !== 'undefined' && /Mac|iPhone|iPad/.test(navigator.platform);

  return (
    <div className={`shell${menuOpen ? ' menu-open' : ''}`}>
      <a href="#main" className="skip-link">
        Skip to content
      </a>
      <header className="topbar">
        <button className="icon-btn mobile-only" aria-label="Menu" aria-expanded={menuOpen} onClick={() => setMenuOpen((o) => !o)}>
          <Icon name="menu" />
        </button>
        <NavLink to="/my-day" className="brand" aria-label="Rapport home">
          <span className="brand-mark" aria-hidden="true">
            R
          </span>
          <span className="brand-name">Rapport</span>
        </NavLink>
        <button className="search-btn" onClick={() => setPaletteOpen(true)} aria-keyshortcuts="Control+K Meta+K">
          <Icon name="search" size={16} />
          <span className="search-btn-text">Search people, companies, deals…</span>
          <kbd className="desktop-only">{isMac ? '⌘' : 'Ctrl'} K</kbd>
        </button>
        <NotificationBell />
        <div className="user-menu">
          <span className="avatar" title={`${me.name} (${me.role})`} aria-hidden="true">
            {initials(me.name)}
          </span>
          <span className="user-name desktop-only">{me.name}</span>
          <button className="icon-btn" onClick={() => void logout()} aria-label="Sign out" title="Sign out">
            <Icon name="logout" />
          </button>
        </div>
      </header>
      <nav className="sidenav" aria-label="Main">
        <ul>
          {items.map((n) => (
            <li key={n.to}>
              <NavLink to={n.to} className={({ isActive }) => (isActive ? 'active' : '')}>
                <Icon name={n.icon} />
                <span>{n.label}</span>
              </NavLink>
            </li>
          ))}
        </ul>
        <button className="signout" onClick={() => void logout()}>
          <Icon name="logout" />
          <span>Sign out ({me.name})</span>
        </button>
      </nav>
      <div className="scrim mobile-only" onClick={() => setMenuOpen(false)} aria-hidden="true" />
      <main id="main" className="main" tabIndex={-1}>
        {children}
      </main>
      <nav className="tabbar mobile-only" aria-label="Quick">
        {MOBILE_TABS.map((to) => {
          const n = NAV.find((x) => x.to === to)!;
          return (
            <NavLink key={to} to={to} className={({ isActive }) => (isActive ? 'active' : '')}>
              <Icon name={n.icon} />
              <span>{n.label}</span>
            </NavLink>
          );
        })}
        <button onClick={() => setPaletteOpen(true)}>
          <Icon name="search" />
          <span>Search</span>
        </button>
      </nav>
      <CommandPalette open={paletteOpen} onClose={() => setPaletteOpen(false)} />
    </div>
  );
}

function isTyping(t: EventTarget | null): boolean {
  const el = t as HTMLElement | null;
  if (!el) return false;
  const tag = el.tagName;
  return tag === 'INPUT' || tag === 'TEXTAREA' || tag === 'SELECT' || el.isContentEditable;
}
