// The same image in several catalogs. Two items hold the same image when their originals have the same content hash
// (sha256 of the bytes; a catalog holds each hash once). A search across catalogs shows such items as ONE result:
// the hit that leads by `leadsBefore` is the result (its id, catalog, score and match), and the others are listed in
// its `alsoIn`. Filters have already been applied to each hit on its own, so a copy that fails them (its catalog's
// calibration gives it a weaker match than `minMatch`, say) is neither a result nor listed.
import type { Item } from '@loupe/db';
import type { CatalogScope } from './catalogs.ts';
import { MATCHES, type Match } from './relevance.ts';
import type { ResultCopy } from './types.ts';

export interface RankedHit {
  id: number;
  score: number;
  match: Match;
}

/**
 * The order of the copies of one image: the higher score first; on a tie the stronger match (by each copy's own
 * catalog), then the older item (the lower id) — so the same query always gets the same lead.
 */
export function leadsBefore(a: RankedHit, b: RankedHit): number {
  return b.score - a.score || MATCHES.indexOf(a.match) - MATCHES.indexOf(b.match) || a.id - b.id;
}

/**
 * Results ranked by the first appearance of their image, each the hits of that image (the lead first). Hits added
 * later join their image's result wherever it is, so an image never takes two places, however the ranking widens.
 * Without content hashes (a search of one catalog, where each hash is there once) every hit is its own result.
 */
export class ImageGroups<H extends RankedHit> {
  readonly ranked: H[][] = [];
  private readonly byHash = new Map<string, H[]>();

  /** Adds hits in rank order; `hashes` names each hit's content hash (a hit without one was deleted: skipped). */
  add(hits: readonly H[], hashes?: ReadonlyMap<number, string>): void {
    for (const hit of hits) {
      if (!hashes) {
        this.ranked.push([hit]);
        continue;
      }
      const hash = hashes.get(hit.id);
      if (hash === undefined) continue;
      const group = this.byHash.get(hash);
      if (group) {
        group.push(hit);
        group.sort(leadsBefore);
      } else {
        const created = [hit];
        this.byHash.set(hash, created);
        this.ranked.push(created);
      }
    }
  }
}

/** Other catalogs' items of the same image, as a result (or an item's page) lists them. */
export async function copiesOf(scope: CatalogScope, items: readonly Item[]): Promise<ResultCopy[]> {
  const out: ResultCopy[] = [];
  for (const i of items) out.push({ id: i.id, catalog: await scope.slugOf(i.catalogId), externalId: i.externalId, title: i.title });
  return out;
}
