// Match calibrations: one row per (catalog, vector model), replaced when the catalog is measured again.
import type { StoreContext } from '../context.ts';
import { InvalidInputError } from '../errors.ts';
import type { CalibrationRepository, MatchCalibration } from '../types.ts';
import * as v from '../validate.ts';

function toCalibration(row: { catalogId: number; modelId: string; sameScore: number; similarScore: number; itemCount: number; details: unknown; createdAt: Date }): MatchCalibration {
  return {
    catalogId: row.catalogId,
    modelId: row.modelId,
    sameScore: row.sameScore,
    similarScore: row.similarScore,
    itemCount: row.itemCount,
    details: (row.details ?? {}) as Record<string, unknown>,
    createdAt: row.createdAt,
  };
}

const score = (name: string, value: number) => {
  if (!Number.isFinite(value) || value < -1 || value > 1) throw new InvalidInputError(`${name} must be a cosine score in [-1, 1], got ${value}`);
  return value;
};

export function calibrationRepository(ctx: StoreContext): CalibrationRepository {
  const { db } = ctx;
  return {
    async put(input) {
      const modelId = v.text('modelId', input.modelId, { max: 200 });
      const data = {
        sameScore: score('sameScore', input.sameScore),
        similarScore: score('similarScore', input.similarScore),
        itemCount: input.itemCount,
        details: input.details as object,
        createdAt: new Date(),
      };
      if (data.similarScore > data.sameScore) throw new InvalidInputError('similarScore must not exceed sameScore');
      const row = await ctx.run(() =>
        db.matchCalibration.upsert({
          where: { catalogId_modelId: { catalogId: input.catalogId, modelId } },
          create: { catalogId: input.catalogId, modelId, ...data },
          update: data,
        }),
      );
      return toCalibration(row);
    },

    async forCatalogs(catalogIds, modelId) {
      if (catalogIds.length === 0) return [];
      return ctx.run(async () => (await db.matchCalibration.findMany({ where: { catalogId: { in: [...catalogIds] }, modelId } })).map(toCalibration));
    },
  };
}
