'use client';
// The search page: a query (an uploaded image, a region of it, or an indexed item), what the model sees in it
// (classes, boxes, heatmap), and the similar items, filtered and paged. The query runs on the server, or — in
// in-browser mode — the model runs here and only the vector is sent. A search restricted to a catalog with an active
// classifier head also shows that catalog's own categories for the query (and their box: server mode only, the head
// runs on the server), each result's label, and a label filter.
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import {
  api,
  ApiError,
  formatScore,
  labelSourceText,
  rectParam,
  type Catalog,
  type Head,
  type Item,
  type Localization,
  type QueryAnalysis,
  type Rect,
  type SearchResponse,
  type SearchResult,
} from '../lib/api';
import { analyzeInBrowser } from '../lib/browser-mode';
import { AnnotatedImage, HEAD_BOX_COLOR } from './AnnotatedImage';
import { ErrorNotice } from './ErrorNotice';
import { ImagePicker } from './ImagePicker';
import { Predictions } from './Predictions';
import { ResultsGrid } from './ResultsGrid';

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

type Source = { kind: 'image'; file: File; url: string; serial: number } | { kind: 'item'; item: Item };
type Mode = 'server' | 'browser';
interface Filters {
  catalog: string;
  classId: string;
  minScore: number;
  /** A label of the catalog's active head ('' = any); only with a catalog. */
  label: string;
}
/** The chosen catalog's active classifier head: its classes are the label filter's options. */
interface CatalogHead {
  catalog: string;
  version: number;
  field: string;
  classes: string[];
}
interface Produced {
  by: 'server' | 'browser' | 'item';
  ms?: number;
  detail?: string;
}

const sameRect = (a: Rect | null, b: Rect | null) => (a && b ? rectParam(a) === rectParam(b) : a === b);

export function SearchApp() {
  const [source, setSource] = useState<Source | null>(null);
  const [crop, setCrop] = useState<Rect | null>(null);
  const [mode, setMode] = useState<Mode>('server');
  const [filters, setFilters] = useState<Filters>({ catalog: '', classId: '', minScore: 0, label: '' });
  const [catalogHead, setCatalogHead] = useState<CatalogHead | null>(null);
  const [showBoxes, setShowBoxes] = useState({ imagenet: true, head: true });
  const [minScoreDraft, setMinScoreDraft] = useState(0);
  const [analysis, setAnalysis] = useState<QueryAnalysis | null>(null);
  const [results, setResults] = useState<SearchResult[]>([]);
  const [nextCursor, setNextCursor] = useState<string | null>(null);
  const [produced, setProduced] = useState<Produced | null>(null);
  const [busy, setBusy] = useState<'search' | 'more' | null>(null);
  const [progress, setProgress] = useState<string | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [catalogs, setCatalogs] = useState<Catalog[]>([]);
  const [starters, setStarters] = useState<SearchResult[]>([]);
  const [heatmapOn, setHeatmapOn] = useState(false);
  const [heatmap, setHeatmap] = useState<{ key: string; png: string } | null>(null);
  const [heatmapError, setHeatmapError] = useState<unknown>(null);
  const [classNames, setClassNames] = useState<Map<number, string>>(new Map());
  const [regionMode, setRegionMode] = useState(false);
  const serial = useRef(0);
  const request = useRef(0);
  const browserVector = useRef<{
    key: string;
    vector: number[];
    model: string;
    analysis: QueryAnalysis;
    ms: number;
    detail: string;
  } | null>(null);

  // The mode is remembered in this browser.
  useEffect(() => {
    if (window.localStorage.getItem('loupe-mode') === 'browser') setMode('browser');
  }, []);
  const chooseMode = (m: Mode) => {
    setMode(m);
    window.localStorage.setItem('loupe-mode', m);
  };

  // Catalogs for the filter, and a few items to start from before any upload.
  useEffect(() => {
    api<{ catalogs: Catalog[] }>('/api/v1/catalogs')
      .then(async ({ catalogs }) => {
        setCatalogs(catalogs);
        const first = catalogs.find((c) => c.items > 0);
        if (!first) return;
        const page = await api<{ items: Item[] }>(`/api/v1/catalogs/${encodeURIComponent(first.slug)}/items?limit=8`);
        setStarters(
          page.items.map((i) => ({
            id: i.id,
            score: 1,
            title: i.title,
            catalog: i.catalog,
            thumbnailUrl: i.thumbnailUrl,
            topClass: i.predictions[0]?.label ?? null,
            label: i.label,
          })),
        );
      })
      .catch(() => undefined);
  }, []);

  const showItem = useCallback(async (id: number, push: boolean) => {
    try {
      setError(null);
      const item = await api<Item>(`/api/v1/items/${id}`);
      setSource({ kind: 'item', item });
      setCrop(null);
      setHeatmap(null);
      setFilters((f) => ({ ...f, classId: '' }));
      if (push) window.history.pushState(null, '', `/?item=${id}`);
      window.scrollTo({ top: 0, behavior: 'smooth' });
    } catch (e) {
      setError(e);
    }
  }, []);

  // `/?item=ID` (from an item page, or a reload after "more like this") starts from that item.
  useEffect(() => {
    const fromUrl = () => {
      const id = Number(new URLSearchParams(window.location.search).get('item'));
      if (Number.isInteger(id) && id > 0) void showItem(id, false);
    };
    fromUrl();
    window.addEventListener('popstate', fromUrl);
    return () => window.removeEventListener('popstate', fromUrl);
  }, [showItem]);

  const onFile = useCallback((file: File) => {
    setSource((old) => {
      if (old?.kind === 'image') URL.revokeObjectURL(old.url);
      return { kind: 'image', file, url: URL.createObjectURL(file), serial: ++serial.current };
    });
    setCrop(null);
    setHeatmap(null);
    setHeatmapError(null);
    setAnalysis(null);
    setError(null);
    setFilters((f) => ({ ...f, classId: '' }));
    if (window.location.search) window.history.pushState(null, '', '/');
  }, []);

  const filterFields = useCallback((f: Filters) => {
    const out: Record<string, string | number> = { k: PAGE };
    if (f.catalog) out.catalog = f.catalog;
    if (f.classId !== '') out.classId = Number(f.classId);
    if (f.minScore > 0) out.minScore = f.minScore;
    if (f.catalog && f.label) out.label = f.label;
    return out;
  }, []);

  // The chosen catalog's active head (if any): its classes fill the label filter.
  useEffect(() => {
    if (!filters.catalog) return;
    let cancelled = false;
    api<{ heads: Head[] }>(`/api/v1/catalogs/${encodeURIComponent(filters.catalog)}/heads`)
      .then(({ heads }) => {
        if (cancelled) return;
        const active = heads.find((h) => h.active);
        setCatalogHead(
          active
            ? { catalog: filters.catalog, version: active.version, field: active.field, classes: active.classes }
            : null,
        );
      })
      .catch(() => undefined);
    return () => {
      cancelled = true;
    };
  }, [filters.catalog]);

  /** One page of results for the current query; the analysis comes with the first page. */
  const fetchPage = useCallback(
    async (
      cursor: string | null,
    ): Promise<{ response: SearchResponse; analysis: QueryAnalysis | null; produced: Produced }> => {
      if (!source) throw new Error('no query');
      const fields = { ...filterFields(filters), ...(cursor ? { cursor } : {}) };
      if (source.kind === 'item') {
        const response = await api<SearchResponse>('/api/v1/search', {
          method: 'POST',
          json: { itemId: source.item.id, ...fields },
        });
        const { width, height, predictions, boxes } = source.item;
        return {
          response,
          analysis: { width, height, predictions, boxes },
          produced: { by: 'item', ms: response.tookMs, detail: source.item.title },
        };
      }
      if (mode === 'browser') {
        const key = `${source.serial}|${crop ? rectParam(crop) : ''}`;
        if (browserVector.current?.key !== key) {
          const { analysis: a, ms, threads, model } = await analyzeInBrowser(source.file, crop, setProgress);
          const detail = `WebAssembly, ${threads} thread${threads === 1 ? '' : 's'}`;
          browserVector.current = {
            key,
            vector: Array.from(a.vector),
            model,
            analysis: { width: a.width, height: a.height, predictions: a.predictions, boxes: a.boxes },
            ms,
            detail,
          };
        }
        const cached = browserVector.current;
        setProgress('Searching with the vector…');
        const response = await api<SearchResponse>('/api/v1/search', {
          method: 'POST',
          json: { vector: cached.vector, model: cached.model, ...fields },
        });
        return {
          response,
          analysis: cached.analysis,
          produced: { by: 'browser', ms: cached.ms, detail: cached.detail },
        };
      }
      const form = new FormData();
      form.append('image', source.file, source.file.name || 'pasted-image');
      for (const [k, v] of Object.entries(fields)) form.append(k, String(v));
      if (crop) form.append('box', rectParam(crop));
      const started = performance.now();
      const response = await api<SearchResponse>('/api/v1/search', { method: 'POST', body: form });
      return {
        response,
        analysis: response.query,
        produced: { by: 'server', ms: Math.round(performance.now() - started) },
      };
    },
    [source, mode, crop, filters, filterFields],
  );

  // A new query (source, region, mode or filters): the first page.
  useEffect(() => {
    if (!source) return;
    const id = ++request.current;
    setBusy('search');
    setError(null);
    setProgress(null);
    fetchPage(null)
      .then(({ response, analysis: a, produced: p }) => {
        if (id !== request.current) return;
        setResults(response.results);
        setNextCursor(response.nextCursor);
        setProduced(p);
        if (a) {
          setAnalysis(a);
          setClassNames((m) => {
            const next = new Map(m);
            for (const pr of a.predictions) next.set(pr.classId, pr.label);
            return next;
          });
        }
      })
      .catch((e) => {
        if (id !== request.current) return;
        setError(e);
        setResults([]);
        setNextCursor(null);
        setProduced(null);
        // A file that is not a usable image is dropped (the page goes back to its start); other failures keep the
        // query so that it can be retried.
        if (source.kind === 'image' && e instanceof ApiError && IMAGE_ERRORS.has(e.code)) {
          setAnalysis(null);
          setSource(null);
          URL.revokeObjectURL(source.url);
        }
      })
      .finally(() => {
        if (id !== request.current) return;
        setBusy(null);
        setProgress(null);
      });
  }, [source, fetchPage]);

  const loadMore = async () => {
    if (!nextCursor) return;
    const id = request.current;
    setBusy('more');
    try {
      const { response } = await fetchPage(nextCursor);
      if (id !== request.current) return;
      setResults((old) => [...old, ...response.results.filter((r) => !old.some((o) => o.id === r.id))]);
      setNextCursor(response.nextCursor);
    } catch (e) {
      if (id === request.current) setError(e);
    } finally {
      if (id === request.current) setBusy(null);
    }
  };

  // The min-score slider applies once it stops moving.
  useEffect(() => {
    const t = setTimeout(
      () => setFilters((f) => (f.minScore === minScoreDraft ? f : { ...f, minScore: minScoreDraft })),
      350,
    );
    return () => clearTimeout(t);
  }, [minScoreDraft]);

  // The heatmap comes from the server (POST /localize with heatmap=1), for the whole image or the drawn region.
  const heatmapKey = source
    ? `${source.kind === 'image' ? `f${source.serial}` : `i${source.item.id}`}|${crop ? rectParam(crop) : ''}`
    : '';
  const heatmapAvailable = source !== null && !(source.kind === 'image' && mode === 'browser');
  const [heatmapBusy, setHeatmapBusy] = useState(false);
  useEffect(() => {
    if (!heatmapOn || !source || !heatmapAvailable || heatmap?.key === heatmapKey) return;
    let cancelled = false;
    setHeatmapBusy(true);
    setHeatmapError(null);
    (async () => {
      const image = source.kind === 'image' ? source.file : await (await fetch(source.item.imageUrl)).blob();
      const form = new FormData();
      form.append('image', image, source.kind === 'image' ? source.file.name || 'image' : 'item');
      form.append('heatmap', '1');
      if (crop) form.append('box', rectParam(crop));
      const result = await api<Localization>('/api/v1/localize', { method: 'POST', body: form });
      if (!cancelled && result.heatmap) setHeatmap({ key: heatmapKey, png: result.heatmap.png });
    })()
      .catch((e) => !cancelled && setHeatmapError(e))
      .finally(() => !cancelled && setHeatmapBusy(false));
    return () => {
      cancelled = true;
    };
  }, [heatmapOn, heatmapAvailable, heatmapKey, heatmap?.key, source, crop]);

  const classOptions = useMemo(() => {
    const ids = new Set<number>(analysis?.predictions.map((p) => p.classId) ?? []);
    if (filters.classId !== '') ids.add(Number(filters.classId));
    return [...ids].map((id) => ({ id, label: classNames.get(id) ?? `class ${id}` }));
  }, [analysis, filters.classId, classNames]);

  const catalogName = (slug: string) => catalogs.find((c) => c.slug === slug)?.name ?? slug;
  /** The chosen catalog's active head (null until it is known, or when there is none). */
  const activeHead = catalogHead && catalogHead.catalog === filters.catalog ? catalogHead : null;

  const imageSrc = source ? (source.kind === 'image' ? source.url : source.item.imageUrl) : null;
  const imageAlt = source
    ? source.kind === 'image'
      ? `Your query image${source.file.name ? ` ${source.file.name}` : ''}`
      : source.item.title
    : '';
  const status =
    busy === 'search'
      ? (progress ?? 'Searching…')
      : busy === 'more'
        ? 'Loading more…'
        : source && !error
          ? `${results.length} result${results.length === 1 ? '' : 's'}`
          : '';

  return (
    <div className="search-layout">
      <section className="panel query-panel" aria-labelledby="query-heading">
        <div className="panel-head">
          <h1 id="query-heading">Search by image</h1>
          <fieldset className="segmented" aria-describedby="mode-help">
            <legend className="visually-hidden">Where the model runs</legend>
            <label>
              <input
                type="radio"
                name="mode"
                value="server"
                checked={mode === 'server'}
                onChange={() => chooseMode('server')}
                data-testid="mode-server"
              />
              <span>Server</span>
            </label>
            <label>
              <input
                type="radio"
                name="mode"
                value="browser"
                checked={mode === 'browser'}
                onChange={() => chooseMode('browser')}
                data-testid="mode-browser"
              />
              <span>In browser</span>
            </label>
          </fieldset>
        </div>
        <p id="mode-help" className="hint">
          {mode === 'server'
            ? 'The image is sent to the server, which runs the model.'
            : 'The model runs in this browser (downloaded once, ~51 MB, then cached); only the image’s vector is sent.'}
        </p>

        <ImagePicker onFile={onFile} compact={source !== null} />
        <ErrorNotice error={error} onDismiss={() => setError(null)} />

        {source && imageSrc ? (
          <div className="query" data-testid="query">
            <AnnotatedImage
              key={imageSrc}
              src={imageSrc}
              alt={imageAlt}
              width={analysis?.width}
              height={analysis?.height}
              boxes={showBoxes.imagenet ? (analysis?.boxes ?? []) : []}
              headBox={showBoxes.head ? analysis?.head?.box : null}
              headBoxPrefix={catalogName(analysis?.head?.catalog ?? filters.catalog)}
              heatmap={heatmapOn && heatmap?.key === heatmapKey ? heatmap.png : null}
              crop={crop}
              onCrop={(r) => {
                setRegionMode(false);
                if (!sameRect(r, crop)) setCrop(r);
              }}
              touchCrop={regionMode}
              testId="query-image"
            />
            {analysis?.head?.box ? (
              <BoxLegend
                shown={showBoxes}
                onChange={setShowBoxes}
                imagenetCount={analysis.boxes.length}
                headTitle={`${catalogName(analysis.head.catalog ?? filters.catalog)} (head v${analysis.head.version})`}
              />
            ) : null}
            <div className="query-tools">
              <label className="switch">
                <input
                  type="checkbox"
                  checked={heatmapOn && heatmapAvailable}
                  disabled={!heatmapAvailable}
                  onChange={(e) => setHeatmapOn(e.currentTarget.checked)}
                  data-testid="heatmap-toggle"
                />
                <span>
                  {analysis?.head ? 'ImageNet heatmap' : 'Heatmap'}
                  {heatmapBusy ? ' (loading…)' : ''}
                </span>
              </label>
              {!heatmapAvailable ? (
                <span className="hint">The heatmap is computed on the server: switch to server mode to see it.</span>
              ) : null}
              {crop ? (
                <span className="crop-info" data-testid="crop-info">
                  Region {crop.x0},{crop.y0} – {crop.x1},{crop.y1}
                  <button type="button" className="button small" onClick={() => setCrop(null)}>
                    Search whole image
                  </button>
                </span>
              ) : (
                <span className="hint">Drag on the image to search a region.</span>
              )}
              <button
                type="button"
                className="button small touch-only"
                aria-pressed={regionMode}
                onClick={() => setRegionMode(!regionMode)}
                title="On touch screens: turn on, then drag a finger over the image"
              >
                {regionMode ? 'Drawing a region…' : 'Select region'}
              </button>
            </div>
            <ErrorNotice error={heatmapError} context="heatmap" onDismiss={() => setHeatmapError(null)} />
            <RegionForm
              key={crop ? rectParam(crop) : 'none'}
              crop={crop}
              width={analysis?.width}
              height={analysis?.height}
              onCrop={setCrop}
            />
            {source.kind === 'item' ? (
              <p className="hint">
                Item <a href={`/items/${source.item.id}`}>{source.item.title}</a> from{' '}
                <span className="tag">{source.item.catalog}</span>
                {source.item.label ? (
                  <>
                    {' '}
                    labelled <strong>{source.item.label.label}</strong> ({labelSourceText(source.item.label)})
                  </>
                ) : null}
              </p>
            ) : null}
            {analysis ? (
              <>
                <h2 className="subhead">What the model sees{crop ? ' in the region' : ''}</h2>
                {analysis.head ? (
                  <>
                    <h3 className="minor" data-testid="head-heading">
                      {catalogName(analysis.head.catalog ?? filters.catalog)} categories (head v{analysis.head.version})
                      <span className="muted"> · field “{analysis.head.field}”</span>
                    </h3>
                    <Predictions
                      predictions={analysis.head.predictions}
                      label={`${catalogName(analysis.head.catalog ?? filters.catalog)} categories`}
                      testId="head-predictions"
                      itemTestId="head-prediction"
                      className="head"
                    />
                  </>
                ) : activeHead && source.kind === 'image' && mode === 'browser' ? (
                  <p className="hint" data-testid="head-server-only">
                    {catalogName(activeHead.catalog)}’s own categories are computed on the server: switch to server mode
                    to see them for this image. Result labels and the label filter work in both modes.
                  </p>
                ) : null}
                <h3 className="minor">ImageNet classes</h3>
                <Predictions predictions={analysis.predictions} label="ImageNet classes" />
              </>
            ) : null}
          </div>
        ) : null}
      </section>

      <section className="panel results-panel" aria-labelledby="results-heading" aria-busy={busy !== null}>
        <div className="panel-head">
          <h2 id="results-heading">{source ? 'Similar images' : 'Start from a catalog image'}</h2>
          {produced && source ? <ModeBadge produced={produced} /> : null}
        </div>
        <p className="status" role="status" aria-live="polite" data-testid="status">
          {status}
        </p>

        {source ? (
          <>
            <div className="filters" role="group" aria-label="Filters">
              <label>
                Catalog
                <select
                  value={filters.catalog}
                  onChange={(e) => setFilters({ ...filters, catalog: e.currentTarget.value, label: '' })}
                  data-testid="filter-catalog"
                >
                  <option value="">All catalogs</option>
                  {catalogs.map((c) => (
                    <option key={c.slug} value={c.slug}>
                      {c.name} ({c.items})
                    </option>
                  ))}
                </select>
              </label>
              <label>
                Top class
                <select
                  value={filters.classId}
                  onChange={(e) => setFilters({ ...filters, classId: e.currentTarget.value })}
                  data-testid="filter-class"
                >
                  <option value="">Any class</option>
                  {classOptions.map((c) => (
                    <option key={c.id} value={String(c.id)}>
                      {c.label}
                    </option>
                  ))}
                </select>
              </label>
              {activeHead ? (
                <label>
                  Label ({activeHead.field})
                  <select
                    value={filters.label}
                    onChange={(e) => setFilters({ ...filters, label: e.currentTarget.value })}
                    data-testid="filter-label"
                    title={`The ${catalogName(activeHead.catalog)} head’s labels (v${activeHead.version}), predicted or confirmed`}
                  >
                    <option value="">Any label</option>
                    {activeHead.classes.map((c) => (
                      <option key={c} value={c}>
                        {c}
                      </option>
                    ))}
                  </select>
                </label>
              ) : null}
              <label className="range">
                <span>
                  Min. score <output data-testid="min-score-value">{minScoreDraft.toFixed(2)}</output>
                </span>
                <input
                  type="range"
                  min={0}
                  max={1}
                  step={0.05}
                  value={minScoreDraft}
                  onChange={(e) => setMinScoreDraft(Number(e.currentTarget.value))}
                  data-testid="filter-min-score"
                  aria-valuetext={`minimum similarity ${minScoreDraft.toFixed(2)}`}
                />
              </label>
            </div>
            {results.length === 0 && !busy && !error ? (
              <p className="empty" data-testid="no-results">
                No results{filters.minScore > 0 ? ` with a score of at least ${formatScore(filters.minScore)}` : ''}
                {filters.label ? ` labelled “${filters.label}”` : ''}
                {filters.catalog ? ` in ${filters.catalog}` : ''}. Try lowering the minimum score or clearing the
                filters.
              </p>
            ) : null}
            <ResultsGrid
              results={results}
              onMoreLikeThis={(r) => void showItem(r.id, true)}
              labelField={activeHead?.field}
            />
            {nextCursor ? (
              <div className="more">
                <button
                  type="button"
                  className="button"
                  onClick={() => void loadMore()}
                  disabled={busy !== null}
                  data-testid="load-more"
                >
                  {busy === 'more' ? 'Loading…' : 'Load more'}
                </button>
              </div>
            ) : null}
          </>
        ) : starters.length > 0 ? (
          <>
            <p className="hint">Pick “More like this” on any of these to search without uploading.</p>
            <ResultsGrid
              results={starters}
              onMoreLikeThis={(r) => void showItem(r.id, true)}
              label="Catalog images"
              showScores={false}
            />
          </>
        ) : (
          <p className="empty">Choose, drop or paste an image to find similar ones.</p>
        )}
      </section>
    </div>
  );
}

/** What the boxes on the query image are, each a switch: the ImageNet box(es) and the catalog head's box. */
function BoxLegend({
  shown,
  onChange,
  imagenetCount,
  headTitle,
}: {
  shown: { imagenet: boolean; head: boolean };
  onChange: (shown: { imagenet: boolean; head: boolean }) => void;
  imagenetCount: number;
  headTitle: string;
}) {
  return (
    <div className="box-legend" role="group" aria-label="Boxes on the image" data-testid="box-legend">
      {imagenetCount > 0 ? (
        <label className="switch">
          <input
            type="checkbox"
            checked={shown.imagenet}
            onChange={(e) => onChange({ ...shown, imagenet: e.currentTarget.checked })}
            data-testid="box-toggle-imagenet"
          />
          <svg className="swatch" viewBox="0 0 28 12" aria-hidden="true">
            <rect x="2" y="2" width="24" height="8" fill="none" stroke="#ff3d71" strokeWidth="2.5" />
          </svg>
          <span>ImageNet {imagenetCount === 1 ? 'box' : 'boxes'}</span>
        </label>
      ) : null}
      <label className="switch">
        <input
          type="checkbox"
          checked={shown.head}
          onChange={(e) => onChange({ ...shown, head: e.currentTarget.checked })}
          data-testid="box-toggle-head"
        />
        <svg className="swatch" viewBox="0 0 28 12" aria-hidden="true">
          <rect x="2" y="2" width="24" height="8" fill="none" stroke="#000" strokeOpacity="0.55" strokeWidth="4" />
          <rect
            x="2"
            y="2"
            width="24"
            height="8"
            fill="none"
            stroke={HEAD_BOX_COLOR}
            strokeWidth="2.5"
            strokeDasharray="5 3"
          />
        </svg>
        <span>{headTitle} box</span>
      </label>
    </div>
  );
}

function ModeBadge({ produced }: { produced: Produced }) {
  const text =
    produced.by === 'browser'
      ? `Computed in your browser (${produced.detail ?? 'WebAssembly'}); only the vector was sent`
      : produced.by === 'server'
        ? 'Computed on the server'
        : 'More like this (the item’s stored vector)';
  return (
    <span className={`badge mode-${produced.by}`} data-testid="mode-badge" data-mode={produced.by}>
      {text}
      {produced.ms !== undefined ? <span className="muted"> · {produced.ms} ms</span> : null}
    </span>
  );
}

/** The keyboard way to set a region: four numbers in image pixels. */
function RegionForm({
  crop,
  width,
  height,
  onCrop,
}: {
  crop: Rect | null;
  width?: number;
  height?: number;
  onCrop: (r: Rect) => void;
}) {
  const [values, setValues] = useState(() =>
    (crop ? [crop.x0, crop.y0, crop.x1, crop.y1] : [0, 0, width ?? 0, height ?? 0]).map(String),
  );
  const [problem, setProblem] = useState<string | null>(null);
  if (!width || !height) return null;
  const names = ['left (x0)', 'top (y0)', 'right (x1)', 'bottom (y1)'];
  return (
    <details className="region-form">
      <summary>Enter a region in pixels</summary>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          const [x0, y0, x1, y1] = values.map(Number) as [number, number, number, number];
          if (
            ![x0, y0, x1, y1].every(Number.isFinite) ||
            x1 <= x0 ||
            y1 <= y0 ||
            x0 < 0 ||
            y0 < 0 ||
            x1 > width ||
            y1 > height
          ) {
            setProblem(`the region must lie within 0,0 – ${width},${height} with x0 < x1 and y0 < y1`);
            return;
          }
          setProblem(null);
          onCrop({ x0, y0, x1, y1 });
        }}
      >
        {names.map((n, i) => (
          <label key={n}>
            {n}
            <input
              inputMode="numeric"
              value={values[i]}
              onChange={(e) => setValues(values.map((v, j) => (j === i ? e.currentTarget.value : v)))}
              size={5}
            />
          </label>
        ))}
        <button type="submit" className="button small">
          Search region
        </button>
        {problem ? (
          <p className="field-error" role="alert">
            {problem}
          </p>
        ) : null}
      </form>
    </details>
  );
}
