'use client';
import Link from 'next/link';
import type { SearchResult } from '../lib/api';
import './AlsoIn.css';

/** The same image in other catalogs: a chip for each, opening that catalog's item. */
export function AlsoIn({ copies, testId }: { copies: NonNullable<SearchResult['alsoIn']>; testId: string }) {
  return (
    <div className="result-also-in" data-testid={testId}>
      <span className="muted">also in</span>
      {copies.map((c) => (
        <Link key={c.id} href={`/items/${c.id}`} className="tag" data-testid="result-copy" title={`${c.title} in ${c.catalog}`}>
          {c.catalog}
        </Link>
      ))}
    </div>
  );
}
