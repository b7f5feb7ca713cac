import type { OrgUnitMatch } from '@shared/org-unit-tree';

/** A chosen org unit as the forms keep it: its id for the job, its name and the names above it for people. */
export interface SelectedOrgUnit {
  id: string;
  name: string;
  /** Names from the tree's root down to the parent. */
  trail: string[];
  /** False when the offline metadata does not hold it (typed by id, or from an old job). */
  known: boolean;
}

export const ORG_UNIT_ID = /^[A-Za-z][A-Za-z0-9]{10}$/;

export function selectedFromMatch(match: OrgUnitMatch): SelectedOrgUnit {
  return { id: match.id, name: match.name, trail: match.ancestors.map((a) => a.name), known: true };
}

export function unknownOrgUnit(id: string): SelectedOrgUnit {
  return { id, name: id, trail: [], known: false };
}
