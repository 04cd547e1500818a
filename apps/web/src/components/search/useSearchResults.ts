'use client';
// The results hook: runs the query (on the server, in this browser, or from an item's stored vector), pages through
// its results and keeps what the model saw. A failed query keeps the results already shown, with its error.
import { useCallback, useEffect, useRef, useState } from 'react';
import { analyzeInBrowser } from '../../lib/browser-mode';
import {
  ApiError,
  loupe,
  type QueryAnalysis,
  type Rect,
  type SearchOptions,
  type SearchResponse,
  type SearchResult,
} from '../../lib/api';
import { cropKey, sourceKey, type Filters, type Mode, type Produced, type Source } from './types';

const PAGE = 12;
/** Errors that mean the file itself cannot be used as a query. */
const IMAGE_ERRORS = new Set([
  'UNSUPPORTED_IMAGE',
  'CORRUPT_IMAGE',
  'IMAGE_TOO_LARGE',
  'PAYLOAD_TOO_LARGE',
  'UNSUPPORTED_MEDIA_TYPE',
  'MISSING_IMAGE',
  'UNDECODABLE',
]);

interface Query {
  source: Source | null;
  crop: Rect | null;
  mode: Mode;
  filters: Filters;
}

interface BrowserVector {
  key: string;
  vector: number[];
  model: string;
  analysis: QueryAnalysis;
  ms: number;
  detail: string;
}

const options = (f: Filters): SearchOptions => ({
  k: PAGE,
  ...(f.catalog ? { catalog: f.catalog } : {}),
  ...(f.classId !== '' ? { classId: Number(f.classId) } : {}),
  ...(f.minScore > 0 ? { minScore: f.minScore } : {}),
  ...(f.catalog && f.label ? { label: f.label } : {}),
});

const roundRect = (r: Rect): Rect => ({
  x0: Math.round(r.x0),
  y0: Math.round(r.y0),
  x1: Math.round(r.x1),
  y1: Math.round(r.y1),
});

export function useSearchResults({ source, crop, mode, filters }: Query, onUnusableUpload: () => void) {
  const [results, setResults] = useState<SearchResult[]>([]);
  const [nextCursor, setNextCursor] = useState<string | null>(null);
  const [produced, setProduced] = useState<Produced | null>(null);
  const [busy, setBusy] = useState<'search' | 'more' | null>(null);
  const [progress, setProgress] = useState<string | null>(null);
  const [error, setError] = useState<unknown>(null);
  /** What the model saw, and for which query source (shown only next to that source). */
  const [analysis, setAnalysis] = useState<{ source: string; value: QueryAnalysis } | null>(null);
  const [classNames, setClassNames] = useState<Map<number, string>>(new Map());
  /** Counts the queries that ended (with results or an error): the page scrolls to the outcome on a phone. */
  const [settled, setSettled] = useState(0);
  const request = useRef(0);
  /** The query whose results are shown: coming back to it (Back, or after a rejected upload) needs no new search. */
  const shown = useRef('');
  const browserVector = useRef<BrowserVector | null>(null);

  const key = source
    ? [sourceKey(source), cropKey(crop), source.kind === 'image' ? mode : '', JSON.stringify(filters)].join('|')
    : '';

  /** The first page of results for the current query, with what the model saw. */
  const fetchPage = useCallback(async (): Promise<{
    response: SearchResponse;
    analysis: QueryAnalysis | null;
    produced: Produced;
  }> => {
    if (!source) throw new Error('no query');
    const opts = options(filters);
    if (source.kind === 'item') {
      const response = await loupe.searchByItem(source.item.id, opts);
      const { width, height, predictions, boxes } = source.item;
      return {
        response,
        analysis: { width, height, predictions, boxes },
        produced: { by: 'item', ms: response.tookMs, detail: source.item.title },
      };
    }
    if (mode === 'browser') {
      const vectorKey = `${source.serial}|${cropKey(crop)}`;
      if (browserVector.current?.key !== vectorKey) {
        const { analysis: a, ms, threads, model } = await analyzeInBrowser(source.file, crop, setProgress);
        browserVector.current = {
          key: vectorKey,
          vector: Array.from(a.vector),
          model,
          analysis: { width: a.width, height: a.height, predictions: a.predictions, boxes: a.boxes },
          ms,
          detail: `WebAssembly, ${threads} thread${threads === 1 ? '' : 's'}`,
        };
      }
      const cached = browserVector.current;
      setProgress('Searching with the vector…');
      const response = await loupe.searchByVector(cached.vector, { ...opts, model: cached.model });
      return {
        response,
        analysis: cached.analysis,
        produced: { by: 'browser', ms: cached.ms, detail: cached.detail },
      };
    }
    const started = performance.now();
    const response = await loupe.search(source.file, { ...opts, ...(crop ? { box: roundRect(crop) } : {}) });
    return {
      response,
      analysis: response.query,
      produced: { by: 'server', ms: Math.round(performance.now() - started) },
    };
  }, [source, mode, crop, filters]);

  // A new query (source, region, mode or filters): the first page.
  useEffect(() => {
    if (!source || key === shown.current) return;
    const id = ++request.current;
    setBusy('search');
    setError(null);
    setProgress(null);
    fetchPage()
      .then(({ response, analysis: a, produced: p }) => {
        if (id !== request.current) return;
        shown.current = key;
        setResults(response.results);
        setNextCursor(response.nextCursor);
        setProduced(p);
        if (!a) return;
        setAnalysis({ source: sourceKey(source), value: a });
        setClassNames((m) => {
          const next = new Map(m);
          for (const pr of a.predictions) next.set(pr.classId, pr.label);
          return next;
        });
      })
      .catch((e) => {
        if (id !== request.current) return;
        setError(e);
        // A file that is not a usable image goes (the page shows what it showed before); other failures keep the
        // query so that it can be retried. The results shown stay, under the error.
        if (source.kind === 'image' && e instanceof ApiError && IMAGE_ERRORS.has(e.code)) onUnusableUpload();
      })
      .finally(() => {
        if (id !== request.current) return;
        setBusy(null);
        setProgress(null);
        setSettled((n) => n + 1);
      });
  }, [source, key, fetchPage, onUnusableUpload]);

  const loadMore = async () => {
    if (!nextCursor) return;
    const id = request.current;
    setBusy('more');
    try {
      // The server kept the query behind the cursor: nothing is uploaded or analysed again.
      const response = await loupe.searchMore(nextCursor, { k: PAGE });
      if (id !== request.current) return;
      setResults((old) => [...old, ...response.results.filter((r) => !old.some((o) => o.id === r.id))]);
      setNextCursor(response.nextCursor);
    } catch (e) {
      if (id === request.current) setError(e);
    } finally {
      if (id === request.current) setBusy(null);
    }
  };

  return {
    results,
    settled,
    nextCursor,
    produced,
    busy,
    progress,
    error,
    clearError: () => setError(null),
    analysis: source && analysis?.source === sourceKey(source) ? analysis.value : null,
    classNames,
    loadMore,
  };
}
