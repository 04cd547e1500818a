'use client';
import Link from 'next/link';
import { useRouter } from 'next/navigation';
import { useEffect, useState } from 'react';
import { loupe, formatBytes, formatProbability, type Head, type Item, type SearchResponse } from '../lib/api';
import { AlsoIn } from './AlsoIn';
import { AnnotatedImage } from './AnnotatedImage';
import { ErrorNotice } from './ErrorNotice';
import { LabelChip } from './LabelChip';
import { IMAGENET_CONFIDENT } from '../lib/labels';
import { Predictions } from './Predictions';
import { ResultsGrid } from './ResultsGrid';
import './ItemView.css';

export function ItemView({ id }: { id: string }) {
  const router = useRouter();
  const [item, setItem] = useState<Item | null>(null);
  const [similar, setSimilar] = useState<SearchResponse | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [similarError, setSimilarError] = useState<unknown>(null);
  /** The active head of the item's catalog (its field and version), when the item carries a label. */
  const [head, setHead] = useState<Head | null>(null);

  useEffect(() => {
    let cancelled = false;
    setItem(null);
    setSimilar(null);
    setError(null);
    setSimilarError(null);
    setHead(null);
    let loaded = false;
    loupe.items
      .get(Number(id))
      .then((i) => {
        if (cancelled) return;
        loaded = true;
        setItem(i);
        document.title = `${i.title} · Loupe`;
        if (i.label !== undefined)
          loupe.heads
            .list(i.catalog)
            .then(({ heads }) => !cancelled && setHead(heads.find((h) => h.active) ?? null))
            .catch(() => undefined);
        return loupe.searchByItem(i.id, { k: 12 }).then((s) => !cancelled && setSimilar(s));
      })
      .catch((e) => {
        if (!cancelled) (loaded ? setSimilarError : setError)(e);
      });
    return () => {
      cancelled = true;
    };
  }, [id]);

  if (error) {
    return (
      <div className="page narrow">
        <ErrorNotice error={error} context={`item ${id}`} />
        <p>
          <Link href="/">Back to search</Link>
        </p>
      </div>
    );
  }
  if (!item) {
    return (
      <div className="page narrow">
        <p role="status">Loading item {id}…</p>
      </div>
    );
  }

  const meta: Array<[string, string]> = [
    ['Catalog', item.catalog],
    ['Size', `${item.width} × ${item.height} px`],
    ['Type', item.mimeType],
    ['File size', formatBytes(item.sizeBytes)],
    ...(item.sourceName ? ([['Source file', item.sourceName]] as Array<[string, string]>) : []),
    ...(item.externalId ? ([['External id', item.externalId]] as Array<[string, string]>) : []),
    ['Added', new Date(item.createdAt).toLocaleString()],
    ...Object.entries(item.metadata ?? {}).map(
      ([k, v]) => [k, typeof v === 'string' ? v : JSON.stringify(v)] as [string, string],
    ),
  ];

  return (
    <div className="page item-page">
      <nav aria-label="Breadcrumb" className="breadcrumb">
        <Link href="/">Search</Link> <span aria-hidden="true">/</span> <span className="tag">{item.catalog}</span>{' '}
        <span aria-hidden="true">/</span> <span aria-current="page">{item.title}</span>
      </nav>
      <div className="item-layout">
        <section className="panel" aria-labelledby="item-title">
          <h1 id="item-title" data-testid="item-title">
            {item.title}
          </h1>
          <AnnotatedImage
            src={item.imageUrl}
            alt={item.title}
            width={item.width}
            height={item.height}
            boxes={item.boxes}
            objects={item.objects}
            testId="item-image"
          />
          <p>
            <Link className="button primary" href={`/?item=${item.id}`}>
              Search with this image
            </Link>
          </p>
        </section>
        <section className="panel" aria-labelledby="item-details">
          <h2 id="item-details">Details</h2>
          <dl className="meta" data-testid="item-meta">
            {meta.map(([k, v]) => (
              <div key={k}>
                <dt>{k}</dt>
                <dd>{v}</dd>
              </div>
            ))}
          </dl>
          {item.alsoIn ? <AlsoIn copies={item.alsoIn} testId="item-also-in" /> : null}
          {item.label !== undefined ? (
            <>
              <h2>Label</h2>
              <p data-testid="item-label">
                {head ? <span className="muted">{head.field}: </span> : null}
                <LabelChip label={item.label} field={head?.field} testId="item-label-chip" />
              </p>
              <p className="hint" data-testid="item-label-detail">
                {item.label === null
                  ? `No label yet under the catalog’s classifier head${head ? ` (v${head.version})` : ''}.`
                  : item.label.source === 'confirmed'
                    ? `Confirmed: the item’s own ${head ? `“${head.field}”` : 'value'}, not a guess of the catalog’s classifier head${head ? ` (v${head.version})` : ''}.`
                    : `Predicted by the catalog’s classifier head${head ? ` v${head.version}` : ''} with probability ${formatProbability(item.label.score)}: the item has no ${head ? `“${head.field}”` : 'value'} of its own.`}
              </p>
            </>
          ) : null}
          {item.objects.length ? (
            <>
              <h2>Objects</h2>
              <ul className="plain small" data-testid="item-objects">
                {item.objects.map((o, i) => (
                  <li key={i}>
                    {o.label} {(o.score * 100).toFixed(0)}% at ({Math.round(o.box.x0)}, {Math.round(o.box.y0)}) – ({Math.round(o.box.x1)},{' '}
                    {Math.round(o.box.y1)})
                  </li>
                ))}
              </ul>
            </>
          ) : null}
          <h2>Predictions</h2>
          <Predictions predictions={item.predictions} confident={IMAGENET_CONFIDENT} />
          {item.boxes.length ? (
            <>
              <h2>Boxes</h2>
              <ul className="plain small" data-testid="item-boxes">
                {item.boxes.map((b, i) => (
                  <li key={i}>
                    {b.label} {(b.score * 100).toFixed(0)}% at ({b.x0}, {b.y0}) – ({b.x1}, {b.y1})
                  </li>
                ))}
              </ul>
            </>
          ) : null}
        </section>
      </div>
      <section className="panel" aria-labelledby="similar-heading">
        <h2 id="similar-heading">More like this</h2>
        <ErrorNotice error={similarError} />
        {similar ? (
          similar.results.length ? (
            <ResultsGrid
              results={similar.results}
              onMoreLikeThis={(r) => router.push(`/?item=${r.id}`)}
              label="Similar items"
            />
          ) : (
            <p className="empty">No other items yet.</p>
          )
        ) : (
          <p role="status">Searching…</p>
        )}
      </section>
    </div>
  );
}
