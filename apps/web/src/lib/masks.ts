// COCO's uncompressed RLE (the API's object masks) as vertical runs to draw: the counts alternate runs of 0 and 1,
// column by column, so each run of ones is a 1-pixel-wide strip — split where it crosses into the next column.

/** The strips `[x, y, height]` of an RLE mask's pixels, in the image's pixel grid. */
export function maskStrips(rle: { size: [number, number] | number[]; counts: number[] }): Array<[number, number, number]> {
  const height = rle.size[0]!;
  const strips: Array<[number, number, number]> = [];
  let at = 0;
  rle.counts.forEach((count, i) => {
    if (i % 2 === 1) {
      for (let p = at; p < at + count; ) {
        const x = Math.floor(p / height);
        const y = p % height;
        const run = Math.min(at + count - p, height - y);
        strips.push([x, y, run]);
        p += run;
      }
    }
    at += count;
  });
  return strips;
}
