'use client';
// The overlays hook: what is drawn over the query image — the boxes (ImageNet's and the catalog head's), the heatmap
// (computed on the server: POST /localize with heatmap=1, for the whole image or the region) — and the touch toggle
// for drawing a region.
import { useEffect, useState } from 'react';
import { loupe, type Rect } from '../../lib/api';
import { cropKey, sourceImage, sourceKey, type Mode, type Source } from './types';

export interface ShownBoxes {
  imagenet: boolean;
  head: boolean;
}

export function useOverlays(source: Source | null, crop: Rect | null, mode: Mode) {
  const [showBoxes, setShowBoxes] = useState<ShownBoxes>({ imagenet: true, head: true });
  const [heatmapOn, setHeatmapOn] = useState(false);
  const [heatmap, setHeatmap] = useState<{ key: string; png: string } | null>(null);
  const [heatmapError, setHeatmapError] = useState<unknown>(null);
  const [heatmapBusy, setHeatmapBusy] = useState(false);
  const [regionMode, setRegionMode] = useState(false);

  const key = source ? `${sourceKey(source)}|${cropKey(crop)}` : '';
  const heatmapAvailable = source !== null && !(source.kind === 'image' && mode === 'browser');

  useEffect(() => {
    if (!heatmapOn || !source || !heatmapAvailable || heatmap?.key === key) return;
    let cancelled = false;
    setHeatmapBusy(true);
    setHeatmapError(null);
    (async () => {
      const result = await loupe.localize(await sourceImage(source), { heatmap: true, objects: false, ...(crop ? { box: crop } : {}) });
      if (!cancelled && result.heatmap) setHeatmap({ key, png: result.heatmap.png });
    })()
      .catch((e) => !cancelled && setHeatmapError(e))
      .finally(() => !cancelled && setHeatmapBusy(false));
    return () => {
      cancelled = true;
    };
  }, [heatmapOn, heatmapAvailable, key, heatmap?.key, source, crop]);

  return {
    showBoxes,
    setShowBoxes,
    heatmapOn: heatmapOn && heatmapAvailable,
    setHeatmapOn,
    heatmapAvailable,
    heatmapPng: heatmapOn && heatmap?.key === key ? heatmap.png : null,
    heatmapBusy,
    heatmapError,
    clearHeatmapError: () => setHeatmapError(null),
    regionMode,
    setRegionMode,
  };
}
