import { z } from 'zod';

/** One organisation unit as a tree shows it, from the offline metadata. */
export const OrgUnitNode = z.object({
  id: z.string(),
  name: z.string(),
  code: z.string().nullable(),
  level: z.number().int(),
  path: z.string(),
  hasChildren: z.boolean(),
  childCount: z.number().int().nonnegative(),
});
export type OrgUnitNode = z.infer<typeof OrgUnitNode>;

export const OrgUnitAncestor = z.object({ id: z.string(), name: z.string() });
export type OrgUnitAncestor = z.infer<typeof OrgUnitAncestor>;

/** A unit with the units above it, from a root of the tree down to its parent, so the tree can open up to it. */
export const OrgUnitMatch = OrgUnitNode.extend({ ancestors: z.array(OrgUnitAncestor) });
export type OrgUnitMatch = z.infer<typeof OrgUnitMatch>;

export const OrgUnitChildren = z.object({
  /** False when there is no offline metadata for the server: the tree has nothing to show. */
  hasMetadata: z.boolean(),
  /** Roots only: the user's own org units (capture and view), or the top of the hierarchy when the snapshot has no user. */
  rootsFrom: z.enum(['user', 'top']).nullable(),
  nodes: z.array(OrgUnitNode),
  /** How many there are; more than `nodes` when the limit cut the list. */
  total: z.number().int().nonnegative(),
});
export type OrgUnitChildren = z.infer<typeof OrgUnitChildren>;

export const OrgUnitSearchResult = z.object({
  hasMetadata: z.boolean(),
  matches: z.array(OrgUnitMatch),
  total: z.number().int().nonnegative(),
});
export type OrgUnitSearchResult = z.infer<typeof OrgUnitSearchResult>;

export const OrgUnitLookupResult = z.object({
  hasMetadata: z.boolean(),
  found: z.array(OrgUnitMatch),
  /** Ids not in the offline metadata, or outside the tree's roots. */
  missing: z.array(z.string()),
});
export type OrgUnitLookupResult = z.infer<typeof OrgUnitLookupResult>;
