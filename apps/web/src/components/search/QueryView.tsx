'use client';
// The query as the model sees it: the image with its boxes, heatmap and region, the tools over it, and its classes.
import { labelSourceText, type QueryAnalysis, type Rect } from '../../lib/api';
import { AnnotatedImage } from '../AnnotatedImage';
import { ErrorNotice } from '../ErrorNotice';
import { BoxLegend } from './BoxLegend';
import { ModelSees } from './ModelSees';
import { QueryObjects, roundRect } from './QueryObjects';
import { QueryTools } from './QueryTools';
import { RegionForm } from './RegionForm';
import { cropKey, sameRect, type Source } from './types';
import type { useOverlays } from './useOverlays';
import type { useQueryObjects } from './useQueryObjects';
import './QueryView.css';

interface Props {
  source: Source;
  analysis: QueryAnalysis | null;
  crop: Rect | null;
  onCrop: (crop: Rect | null) => void;
  overlays: ReturnType<typeof useOverlays>;
  catalog: string;
  catalogName: (slug: string) => string;
  headOnServerOnly: string | null;
  /** The query's detected objects (each can be searched on its own) and their masks' switch. */
  objects: ReturnType<typeof useQueryObjects>;
}

export function QueryView({
  source,
  analysis,
  crop,
  onCrop,
  overlays: o,
  catalog,
  catalogName,
  headOnServerOnly,
  objects: q,
}: Props) {
  const objects = q.objects;
  const src = source.kind === 'image' ? source.url : source.item.imageUrl;
  const alt =
    source.kind === 'image' ? `Your query image${source.file.name ? ` ${source.file.name}` : ''}` : source.item.title;
  const headCatalog = catalogName(analysis?.head?.catalog ?? catalog);
  return (
    <div className="query" data-testid="query">
      <AnnotatedImage
        key={src}
        src={src}
        alt={alt}
        width={analysis?.width}
        height={analysis?.height}
        boxes={o.showBoxes.imagenet ? (analysis?.boxes ?? []) : []}
        headBox={o.showBoxes.head ? analysis?.head?.box : null}
        headBoxPrefix={headCatalog}
        heatmap={o.heatmapPng}
        crop={crop}
        onCrop={(r) => {
          o.setRegionMode(false);
          if (!sameRect(r, crop)) onCrop(r);
        }}
        touchCrop={o.regionMode}
        objects={objects}
        onPickObject={(i) => {
          const box = roundRect(objects[i]!.box);
          if (!sameRect(box, crop)) onCrop(box);
        }}
        testId="query-image"
      />
      {q.masksAvailable ? (
        <QueryObjects
          objects={objects}
          crop={crop}
          onPick={(box) => !sameRect(box, crop) && onCrop(box)}
          masks={q.masks}
          masksBusy={q.masksBusy}
          onMasks={q.setMasks}
        />
      ) : null}
      {analysis?.head?.box ? (
        <BoxLegend
          shown={o.showBoxes}
          onChange={o.setShowBoxes}
          imagenetCount={analysis.boxes.length}
          headTitle={`${headCatalog} (head v${analysis.head.version})`}
        />
      ) : null}
      <QueryTools
        heatmapOn={o.heatmapOn}
        heatmapAvailable={o.heatmapAvailable}
        heatmapBusy={o.heatmapBusy}
        onHeatmap={o.setHeatmapOn}
        heatmapTitle={analysis?.head ? 'ImageNet heatmap' : 'Heatmap'}
        crop={crop}
        onClearCrop={() => onCrop(null)}
        regionMode={o.regionMode}
        onRegionMode={o.setRegionMode}
      />
      <ErrorNotice error={o.heatmapError} context="heatmap" onDismiss={o.clearHeatmapError} />
      <RegionForm
        key={crop ? cropKey(crop) : 'none'}
        crop={crop}
        width={analysis?.width}
        height={analysis?.height}
        onCrop={onCrop}
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
        <ModelSees
          analysis={analysis}
          inRegion={crop !== null}
          catalogName={catalogName}
          catalog={catalog}
          headOnServerOnly={headOnServerOnly}
        />
      ) : null}
    </div>
  );
}
