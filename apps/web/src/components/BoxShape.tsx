'use client';
import type { Box } from '../lib/api';

/**
 * One box: its outline and a label tag. The tag sits above the box (inside it when there is no room), or — with
 * `labelAtBottom` (the image's height) — below it (inside when there is no room), so that two boxes over the same
 * object keep both labels readable.
 */
export function BoxShape({
  box: b,
  color,
  font,
  testId,
  prefix,
  dashed = false,
  dotted = false,
  labelAtBottom,
}: {
  box: Box;
  color: string;
  font: number;
  testId: string;
  prefix?: string;
  dashed?: boolean;
  dotted?: boolean;
  labelAtBottom?: number;
}) {
  const label = `${prefix ? `${prefix}: ` : ''}${b.label} ${(b.score * 100).toFixed(0)}%`;
  const tag = font * 1.4;
  const top =
    labelAtBottom !== undefined
      ? b.y1 + tag <= labelAtBottom
        ? b.y1
        : b.y1 - tag
      : b.y0 > font * 1.5
        ? b.y0 - tag
        : b.y0;
  // The label's width is estimated (SVG text cannot be measured before it renders); textLength makes the text fit
  // that width exactly, whatever the font.
  const textWidth = label.length * font * 0.6;
  // The box's outline; a dashed or dotted one is drawn over a dark, wider one so that it shows on any photo.
  const outline = {
    x: b.x0,
    y: b.y0,
    width: b.x1 - b.x0,
    height: b.y1 - b.y0,
    fill: 'none',
    vectorEffect: 'non-scaling-stroke',
  };
  return (
    <g data-testid={testId} data-label={b.label}>
      {dashed || dotted ? <rect {...outline} stroke="#000" strokeOpacity={0.55} strokeWidth={5} /> : null}
      <rect
        {...outline}
        stroke={color}
        strokeWidth={3}
        strokeDasharray={dashed ? '10 6' : dotted ? '3 4' : undefined}
      />
      <rect x={b.x0} y={top} width={textWidth + font * 0.6} height={tag} fill={color} rx={dashed ? 0 : font * 0.2} />
      <text
        x={b.x0 + font * 0.3}
        y={top + font * 1.05}
        fontSize={font}
        fill="#000"
        fontWeight={600}
        textLength={textWidth}
        lengthAdjust="spacingAndGlyphs"
      >
        {label}
      </text>
    </g>
  );
}
