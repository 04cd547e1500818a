'use client';
// The query's objects, for search by object: an indexed item's stored objects, or an uploaded photo's found by the
// server's detector (POST /detect). With masks on, the server outlines each object too (POST /detect?masks=true, for
// an item on its stored image). In in-browser mode the photo never leaves the browser, so it has none; when
// detection fails (a busy server), the page simply offers no objects — the search itself is unaffected.
import { useEffect, useState } from 'react';
import { loupe } from '../../lib/api';
import type { ObjectMark } from '../AnnotatedImage';
import { sourceImage, sourceKey, type Mode, type Source } from './types';

export function useQueryObjects(source: Source | null, mode: Mode) {
  const [masks, setMasks] = useState(false);
  const [found, setFound] = useState<{ key: string; objects: ObjectMark[] } | null>(null);
  const key = source ? `${sourceKey(source)}|${mode}|${masks}` : '';

  useEffect(() => {
    if (!source) return;
    if (source.kind === 'item' && !masks) {
      setFound({ key, objects: source.item.objects });
      return;
    }
    if (source.kind === 'image' && mode === 'browser') {
      setFound({ key, objects: [] });
      return;
    }
    let cancelled = false;
    (async () => {
      const r = await loupe.detect(await sourceImage(source), { masks });
      if (!cancelled) setFound({ key, objects: r.objects });
    })().catch(() => !cancelled && setFound({ key, objects: [] }));
    return () => {
      cancelled = true;
    };
  }, [key, source, mode, masks]);

  return {
    objects: found?.key === key ? found.objects : [],
    masks,
    setMasks,
    /** Masks were asked for and are on their way. */
    masksBusy: masks && found?.key !== key,
    /** Masks come from the server: not in in-browser mode. */
    masksAvailable: source !== null && !(source.kind === 'image' && mode === 'browser'),
  };
}
