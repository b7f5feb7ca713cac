import type { OrgUnitAncestor, OrgUnitChildren, OrgUnitLookupResult, OrgUnitMatch, OrgUnitNode, OrgUnitSearchResult } from '../../../shared/org-unit-tree';
import { AppError } from '../errors';
import type { MetadataIndex, PlacedOrgUnit } from './index';

const collator = new Intl.Collator(undefined, { numeric: true, sensitivity: 'base' });

function displayName(unit: PlacedOrgUnit): string {
  return unit.name ?? unit.shortName ?? unit.code ?? unit.id;
}

/**
 * The org unit hierarchy of one metadata snapshot, shaped for a lazy tree. National hierarchies
 * hold tens of thousands of units, so the parent -> children lists and the search keys are made
 * once per index; each call then touches only the units it returns (children are sorted on first
 * opening, not all up front).
 */
export class OrgUnitTree {
  private readonly childIds = new Map<string, string[]>();
  private readonly sorted = new Set<string>();
  private readonly topLevel: string[] = [];
  /** The tree's roots: the user's own units (nested ones dropped), or the top level. */
  private readonly rootIds: string[];
  readonly rootsFrom: 'user' | 'top';
  private readonly searchKeys: Array<{ id: string; name: string; code: string }> = [];

  constructor(private readonly index: MetadataIndex) {
    for (const unit of index.all('organisationUnits')) {
      const parent = unit.parent && index.orgUnit(unit.parent) ? unit.parent : null;
      if (parent === null) this.topLevel.push(unit.id);
      else {
        const list = this.childIds.get(parent);
        if (list) list.push(unit.id);
        else this.childIds.set(parent, [unit.id]);
      }
      this.searchKeys.push({ id: unit.id, name: displayName(unit).toLowerCase(), code: (unit.code ?? '').toLowerCase() });
    }
    this.sortUnits(this.topLevel);
    const own = this.userRoots();
    this.rootsFrom = own.length > 0 ? 'user' : 'top';
    this.rootIds = own.length > 0 ? own : this.topLevel;
  }

  /** The roots (no parent given) or the children of one unit, by name; `total` counts what `limit` left out. */
  children(parentId: string | undefined, limit: number): OrgUnitChildren {
    let ids: readonly string[];
    if (parentId === undefined) ids = this.rootIds;
    else {
      if (!this.index.orgUnit(parentId)) throw new AppError('NOT_FOUND', `No organisation unit with id "${parentId}" in the offline metadata.`);
      ids = this.sortedChildren(parentId);
    }
    return {
      hasMetadata: true,
      rootsFrom: parentId === undefined ? this.rootsFrom : null,
      nodes: ids.slice(0, limit).map((id) => this.node(id)),
      total: ids.length,
    };
  }

  /**
   * Units whose name or code holds the query, or whose id or code is the query, inside the tree's
   * roots (DHIS2 refuses exports outside the user's hierarchy anyway). Exact hits come first, then
   * names that start with it, then the higher levels.
   */
  search(query: string, limit: number): OrgUnitSearchResult {
    const needle = query.trim().toLowerCase();
    if (needle === '') return { hasMetadata: true, matches: [], total: 0 };
    const hits: Array<{ id: string; rank: number; level: number; name: string }> = [];
    for (const key of this.searchKeys) {
      let rank: number;
      if (key.id.toLowerCase() === needle || key.code === needle) rank = 0;
      else if (key.name === needle) rank = 1;
      else if (key.name.startsWith(needle)) rank = 2;
      else if (key.name.includes(needle)) rank = 3;
      else if (key.code.includes(needle)) rank = 4;
      else continue;
      if (this.rootsFrom === 'user' && !this.index.isWithinAny(key.id, this.rootIds)) continue;
      hits.push({ id: key.id, rank, level: this.index.orgUnit(key.id)!.level, name: key.name });
    }
    hits.sort((a, b) => a.rank - b.rank || a.level - b.level || collator.compare(a.name, b.name) || (a.id < b.id ? -1 : 1));
    return { hasMetadata: true, matches: hits.slice(0, limit).map((hit) => this.match(hit.id)), total: hits.length };
  }

  /** The units of a recreated job, with their ancestors; ids unknown or outside the roots are listed as missing. */
  lookup(ids: readonly string[]): OrgUnitLookupResult {
    const found: OrgUnitMatch[] = [];
    const missing: string[] = [];
    for (const id of new Set(ids)) {
      if (this.index.orgUnit(id) && this.insideRoots(id)) found.push(this.match(id));
      else missing.push(id);
    }
    return { hasMetadata: true, found, missing };
  }

  private insideRoots(id: string): boolean {
    return this.rootsFrom === 'top' || this.index.isWithinAny(id, this.rootIds);
  }

  private node(id: string): OrgUnitNode {
    const unit = this.index.orgUnit(id)!;
    const childCount = this.childIds.get(id)?.length ?? 0;
    return { id, name: displayName(unit), code: unit.code, level: unit.level, path: unit.path, hasChildren: childCount > 0, childCount };
  }

  private match(id: string): OrgUnitMatch {
    return { ...this.node(id), ancestors: this.ancestorsOf(id) };
  }

  /** From the root of the tree that holds the unit down to its parent. */
  private ancestorsOf(id: string): OrgUnitAncestor[] {
    const path = this.index.orgUnit(id)!.path.split('/').filter(Boolean);
    path.pop();
    let start = 0;
    if (this.rootsFrom === 'user') {
      const roots = new Set(this.rootIds);
      const at = path.findIndex((step) => roots.has(step));
      start = at === -1 ? path.length : at;
    }
    const out: OrgUnitAncestor[] = [];
    for (const step of path.slice(start)) {
      const unit = this.index.orgUnit(step);
      // A path may name a parent the snapshot does not hold (a partial export): the tree cannot show it.
      if (unit) out.push({ id: step, name: displayName(unit) });
    }
    return out;
  }

  private sortedChildren(parentId: string): readonly string[] {
    const list = this.childIds.get(parentId);
    if (!list) return [];
    if (!this.sorted.has(parentId)) {
      this.sortUnits(list);
      this.sorted.add(parentId);
    }
    return list;
  }

  private sortUnits(ids: string[]): void {
    const names = new Map(ids.map((id) => [id, displayName(this.index.orgUnit(id)!)]));
    ids.sort((a, b) => collator.compare(names.get(a)!, names.get(b)!) || (a < b ? -1 : 1));
  }

  /** DHIS2 exports what lies in the data view units (capture ones when none are set); the tree starts at the union, nested ones dropped. */
  private userRoots(): string[] {
    const user = this.index.user;
    if (!user) return [];
    const candidates = [...new Set([...user.organisationUnits, ...user.dataViewOrganisationUnits])].filter((id) => this.index.orgUnit(id));
    const roots = candidates.filter((id) => !candidates.some((other) => other !== id && this.index.isWithin(id, other)));
    this.sortUnits(roots);
    return roots;
  }
}

const EMPTY_CHILDREN: OrgUnitChildren = { hasMetadata: false, rootsFrom: null, nodes: [], total: 0 };
const trees = new WeakMap<MetadataIndex, OrgUnitTree>();

/** The tree of an index, built on first use and kept as long as the index is; without metadata, a tree that says so. */
export function orgUnitTreeOf(index: MetadataIndex | null): Pick<OrgUnitTree, 'children' | 'search' | 'lookup'> {
  if (!index) {
    return {
      children: () => EMPTY_CHILDREN,
      search: () => ({ hasMetadata: false, matches: [], total: 0 }),
      lookup: (ids) => ({ hasMetadata: false, found: [], missing: [...new Set(ids)] }),
    };
  }
  let tree = trees.get(index);
  if (!tree) trees.set(index, (tree = new OrgUnitTree(index)));
  return tree;
}
