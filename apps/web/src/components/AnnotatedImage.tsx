'use client';
// An image with its boxes drawn over it (an SVG whose viewBox is the image's own pixel grid, so boxes in original
// pixels land in the right place at any displayed size), an optional heatmap overlay, and — when `onCrop` is given —
// a rectangle the user drags to search a region. ImageNet boxes are solid with their label on top; a catalog head's
// box is dashed, in its own colour, with its label at the bottom. Detected objects are dotted, in their own colour;
// with `onPickObject`, a click inside one picks it (the smallest under the pointer).
import { useRef, useState, type PointerEvent as ReactPointerEvent } from 'react';
import type { Box, Rect } from '../lib/api';
import { BoxShape } from './BoxShape';
import { MaskOverlay } from './MaskOverlay';
import './AnnotatedImage.css';

const COLORS = ['#ff3d71', '#00d68f', '#ffaa00', '#3d8bff', '#b66dff'];
/** The colour of a catalog head's box (dashed, so that it differs from the ImageNet boxes in more than colour). */
export const HEAD_BOX_COLOR = '#22d3ee';
/** The colour of detected objects (COCO classes). */
export const OBJECT_COLOR = '#ffd43b';

/** A detected object: its COCO label, score and box in the image's pixels. */
export interface ObjectMark {
  label: string;
  score: number;
  box: Rect;
  /** Its pixels (COCO RLE over the whole image), drawn as a translucent overlay. */
  mask?: { size: number[]; counts: number[] };
}

interface Props {
  src: string;
  alt: string;
  /** The image's size in original pixels (after EXIF orientation): the coordinate system of boxes and crops. */
  width?: number;
  height?: number;
  boxes?: Box[];
  /** A catalog head's CAM box for its top class, and what its label starts with (the catalog's name). */
  headBox?: Box | null;
  headBoxPrefix?: string;
  heatmap?: string | null;
  crop?: Rect | null;
  onCrop?: (rect: Rect) => void;
  /** Lets touch input draw a crop (otherwise touch scrolls the page; mouse and pen always draw). */
  touchCrop?: boolean;
  objects?: ObjectMark[];
  /** A click (not a drag) inside an object picks it. */
  onPickObject?: (index: number) => void;
  testId?: string;
}

export function AnnotatedImage({
  src,
  alt,
  width,
  height,
  boxes = [],
  headBox,
  headBoxPrefix,
  heatmap,
  crop,
  onCrop,
  touchCrop,
  objects = [],
  onPickObject,
  testId,
}: Props) {
  const [natural, setNatural] = useState<{ w: number; h: number } | null>(null);
  const [draft, setDraft] = useState<Rect | null>(null);
  const start = useRef<{ x: number; y: number; pointer: number } | null>(null);
  const w = width ?? natural?.w;
  const h = height ?? natural?.h;

  const toImage = (event: ReactPointerEvent<SVGSVGElement>) => {
    const r = event.currentTarget.getBoundingClientRect();
    const x = Math.min(Math.max(event.clientX - r.left, 0), r.width);
    const y = Math.min(Math.max(event.clientY - r.top, 0), r.height);
    return { x: (x / r.width) * (w ?? 1), y: (y / r.height) * (h ?? 1), scale: (w ?? 1) / r.width };
  };
  const rectOf = (a: { x: number; y: number }, b: { x: number; y: number }): Rect => ({
    x0: Math.round(Math.min(a.x, b.x)),
    y0: Math.round(Math.min(a.y, b.y)),
    x1: Math.round(Math.max(a.x, b.x)),
    y1: Math.round(Math.max(a.y, b.y)),
  });
  const canDraw = (event: ReactPointerEvent) => onCrop && (event.pointerType !== 'touch' || touchCrop);

  const shown = draft ?? crop ?? null;
  const font = w && h ? Math.max(w, h) / 32 : 12;

  return (
    <div className="annotated" data-testid={testId}>
      <img
        src={src}
        alt={alt}
        width={w}
        height={h}
        draggable={false}
        onLoad={(e) => setNatural({ w: e.currentTarget.naturalWidth, h: e.currentTarget.naturalHeight })}
      />
      {heatmap ? <img className="heatmap" src={heatmap} alt="" aria-hidden="true" data-testid="heatmap" /> : null}
      {w && h ? (
        <svg
          className={onCrop ? 'overlay croppable' : 'overlay'}
          style={onCrop && touchCrop ? { touchAction: 'none' } : undefined}
          viewBox={`0 0 ${w} ${h}`}
          preserveAspectRatio="none"
          role="img"
          aria-label={describeBoxes(boxes, headBox, headBoxPrefix, objects)}
          data-testid="query-overlay"
          onPointerDown={(event) => {
            if (!canDraw(event) || event.button !== 0) return;
            event.preventDefault();
            event.currentTarget.setPointerCapture(event.pointerId);
            const p = toImage(event);
            start.current = { x: p.x, y: p.y, pointer: event.pointerId };
            setDraft({ x0: p.x, y0: p.y, x1: p.x, y1: p.y });
          }}
          onPointerMove={(event) => {
            if (!start.current || start.current.pointer !== event.pointerId) return;
            setDraft(rectOf(start.current, toImage(event)));
          }}
          onPointerUp={(event) => {
            if (!start.current || start.current.pointer !== event.pointerId) return;
            const p = toImage(event);
            const rect = rectOf(start.current, p);
            start.current = null;
            setDraft(null);
            // A drag draws a region; a click (under ~8 displayed pixels each way) may pick an object.
            if ((rect.x1 - rect.x0) / p.scale >= 8 && (rect.y1 - rect.y0) / p.scale >= 8) onCrop?.(rect);
            else if (onPickObject) {
              const picked = objectAt(objects, p.x, p.y);
              if (picked !== undefined) onPickObject(picked);
            }
          }}
          onPointerCancel={() => {
            start.current = null;
            setDraft(null);
          }}
        >
          {boxes.map((b, i) => (
            <BoxShape
              key={`${i}-${b.x0}-${b.y0}`}
              box={b}
              color={COLORS[i % COLORS.length]!}
              font={font}
              testId="box"
            />
          ))}
          {objects.map((o, i) =>
            o.mask ? <MaskOverlay key={`m${i}`} mask={o.mask} color={OBJECT_COLOR} label={o.label} testId="object-mask" /> : null,
          )}
          {objects.map((o, i) => (
            <BoxShape
              key={`o${i}-${o.box.x0}-${o.box.y0}`}
              box={{ ...o.box, label: o.label, score: o.score, classId: -1 }}
              color={OBJECT_COLOR}
              font={font}
              testId="object-box"
              dotted
              labelAtBottom={h}
            />
          ))}
          {headBox ? (
            <BoxShape
              box={headBox}
              color={HEAD_BOX_COLOR}
              font={font}
              testId="head-box"
              prefix={headBoxPrefix}
              dashed
              labelAtBottom={h}
            />
          ) : null}
          {shown ? (
            <rect
              data-testid="crop-rect"
              x={shown.x0}
              y={shown.y0}
              width={Math.max(shown.x1 - shown.x0, 0)}
              height={Math.max(shown.y1 - shown.y0, 0)}
              fill="rgba(255,255,255,0.12)"
              stroke="#fff"
              strokeWidth={2}
              strokeDasharray="6 4"
              vectorEffect="non-scaling-stroke"
            />
          ) : null}
        </svg>
      ) : null}
    </div>
  );
}

/** The smallest object whose box holds the point, if any. */
function objectAt(objects: ObjectMark[], x: number, y: number): number | undefined {
  let best: number | undefined;
  const area = (r: Rect) => (r.x1 - r.x0) * (r.y1 - r.y0);
  objects.forEach((o, i) => {
    const b = o.box;
    if (x >= b.x0 && x <= b.x1 && y >= b.y0 && y <= b.y1 && (best === undefined || area(b) < area(objects[best]!.box))) best = i;
  });
  return best;
}

function describeBoxes(boxes: Box[], headBox: Box | null | undefined, prefix: string | undefined, objects: ObjectMark[]): string {
  const parts = boxes.length ? [`Boxes: ${boxes.map((b) => b.label).join(', ')}`] : [];
  if (objects.length) parts.push(`Objects: ${objects.map((o) => o.label).join(', ')}`);
  if (headBox) parts.push(`${prefix ? `${prefix} box` : 'Catalog box'}: ${headBox.label}`);
  return parts.length ? parts.join('; ') : 'No boxes';
}
