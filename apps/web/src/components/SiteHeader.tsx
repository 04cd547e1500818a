'use client';
import Link from 'next/link';
import { usePathname } from 'next/navigation';
import './SiteHeader.css';

const LINKS = [
  { href: '/', label: 'Search' },
  { href: '/admin', label: 'Admin' },
  { href: '/api', label: 'API' },
] as const;

export function SiteHeader() {
  const path = usePathname() ?? '/';
  const current = (href: string) => (href === '/' ? path === '/' || path.startsWith('/items') : path.startsWith(href));
  return (
    <header className="site-header">
      <Link href="/" className="brand" aria-label="Loupe home">
        <svg
          aria-hidden="true"
          width="22"
          height="22"
          viewBox="0 0 24 24"
          fill="none"
          stroke="currentColor"
          strokeWidth="2.4"
        >
          <circle cx="10" cy="10" r="6.5" />
          <path d="M15 15l6 6" strokeLinecap="round" />
        </svg>
        Loupe
      </Link>
      <nav aria-label="Main">
        <ul>
          {LINKS.map((l) => (
            <li key={l.href}>
              <Link href={l.href} aria-current={current(l.href) ? 'page' : undefined}>
                {l.label}
              </Link>
            </li>
          ))}
        </ul>
      </nav>
    </header>
  );
}
