import { type MetadataObject, type MetadataStore, refId } from './metadata';

/**
 * GET /api/{type}/{uid}/metadata: the object and what DefaultMetadataExportService.getMetadataWith-
 * Dependencies (2.41) walks to from it. A data set brings its data elements with their category
 * combos (categories, options, option combos) and option sets, its sections, indicators with their
 * types, data entry form, legend sets, attribute combo, compulsory operands and the attributes of
 * every object; never organisation units. Embedded objects DHIS2 puts into the result on their own
 * (legends, program stage data elements, program tracked entity attributes) appear as their own lists,
 * as they do in 2.41.
 */

export const DEPENDENCY_ROOTS = ['dataSets', 'programs', 'categoryCombos', 'dashboards', 'dataElementGroups', 'optionSets'] as const;
export type DependencyRoot = (typeof DEPENDENCY_ROOTS)[number];

function isObject(value: unknown): value is MetadataObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function items(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}

class Collector {
  readonly out = new Map<string, Map<string, MetadataObject>>();
  private readonly done = new Set<string>();

  constructor(private readonly store: MetadataStore) {}

  /** SetMap.putValue; false when the object was already there (so its dependencies are too). */
  private put(type: string, object: MetadataObject, key = String(object['id'])): boolean {
    const seen = `${type}:${key}`;
    if (this.done.has(seen)) return false;
    this.done.add(seen);
    const list = this.out.get(type) ?? new Map<string, MetadataObject>();
    list.set(key, object);
    this.out.set(type, list);
    return true;
  }

  private get(type: string, reference: unknown): MetadataObject | null {
    const id = refId(reference);
    return id === null ? null : (this.store.get(type, id) ?? null);
  }

  private attributes(object: MetadataObject): void {
    for (const value of items(object['attributeValues'])) {
      if (!isObject(value)) continue;
      const attribute = this.get('attributes', value['attribute']);
      if (attribute) this.put('attributes', attribute);
    }
  }

  /** put + attributes, then the type's own walk unless the object was already collected. */
  private visit(type: string, reference: unknown, walk: (object: MetadataObject) => void = () => undefined): void {
    const object = this.get(type, reference);
    if (!object || !this.put(type, object)) return;
    this.attributes(object);
    walk(object);
  }

  dataSet(reference: unknown): void {
    this.visit('dataSets', reference, (ds) => {
      const id = String(ds['id']);
      for (const element of items(ds['dataSetElements'])) {
        if (!isObject(element)) continue;
        this.dataElement(element['dataElement']);
        this.categoryCombo(element['categoryCombo']);
      }
      for (const section of this.store.list('sections')) if (refId(section['dataSet']) === id) this.section(section);
      for (const indicator of items(ds['indicators'])) this.indicator(indicator);
      this.visit('dataEntryForms', ds['dataEntryForm']);
      this.legendSets(ds['legendSets']);
      this.categoryCombo(ds['categoryCombo'] ?? { id: this.store.defaults().combo });
      for (const operand of items(ds['compulsoryDataElementOperands'])) this.operand(operand);
    });
  }

  private operand(operand: unknown): void {
    if (!isObject(operand)) return;
    this.categoryOptionCombo(operand['categoryOptionCombo']);
    this.legendSets(operand['legendSets']);
    this.dataElement(operand['dataElement']);
  }

  private categoryOptionCombo(reference: unknown): void {
    this.visit('categoryOptionCombos', reference, (coc) => {
      for (const option of items(coc['categoryOptions'])) this.visit('categoryOptions', option);
    });
  }

  categoryCombo(reference: unknown): void {
    this.visit('categoryCombos', reference, (combo) => {
      for (const category of items(combo['categories'])) {
        this.visit('categories', category, (c) => {
          for (const option of items(c['categoryOptions'])) this.visit('categoryOptions', option);
        });
      }
      for (const coc of this.store.combosCocs(String(combo['id']))) this.categoryOptionCombo({ id: coc });
    });
  }

  private legendSets(value: unknown): void {
    for (const reference of items(value)) {
      this.visit('legendSets', reference, (legendSet) => {
        for (const legend of items(legendSet['legends'])) {
          if (isObject(legend) && typeof legend['id'] === 'string') this.put('legends', legend);
        }
      });
    }
  }

  dataElement(reference: unknown): void {
    this.visit('dataElements', reference, (de) => {
      this.categoryCombo(de['categoryCombo'] ?? { id: this.store.defaults().combo });
      this.optionSet(de['optionSet']);
      this.optionSet(de['commentOptionSet']);
    });
  }

  optionSet(reference: unknown): void {
    this.visit('optionSets', reference, (set) => {
      const ids = this.store.optionSetOptions(String(set['id']));
      const listed = items(set['options']).map(refId);
      for (const id of ids.length > 0 ? ids : listed) if (id !== null) this.visit('options', { id });
    });
  }

  private optionGroup(reference: unknown): void {
    this.visit('optionGroups', reference, (group) => {
      this.optionSet(group['optionSet']);
      for (const option of items(group['options'])) this.visit('options', option);
    });
  }

  private section(section: MetadataObject): void {
    this.visit('sections', section, (s) => {
      for (const operand of items(s['greyedFields'])) this.operand(operand);
      for (const indicator of items(s['indicators'])) this.indicator(indicator);
      for (const de of items(s['dataElements'])) this.dataElement(de);
    });
  }

  private indicator(reference: unknown): void {
    this.visit('indicators', reference, (indicator) => this.visit('indicatorTypes', indicator['indicatorType']));
  }

  program(reference: unknown): void {
    this.visit('programs', reference, (program) => {
      const id = String(program['id']);
      this.categoryCombo(program['categoryCombo'] ?? { id: this.store.defaults().combo });
      this.visit('dataEntryForms', program['dataEntryForm']);
      this.visit('trackedEntityTypes', program['trackedEntityType']);
      for (const section of items(program['programSections'])) {
        this.visit('programSections', section, (s) => {
          for (const tea of items(s['trackedEntityAttributes'])) this.trackedEntityAttribute(tea);
        });
      }
      for (const template of items(program['notificationTemplates'])) this.notificationTemplate(template);
      for (const stage of items(program['programStages'])) this.programStage(stage);
      for (const ptea of items(program['programTrackedEntityAttributes'])) {
        if (!isObject(ptea)) continue;
        if (typeof ptea['id'] === 'string') this.put('programTrackedEntityAttributes', ptea);
        this.trackedEntityAttribute(ptea['trackedEntityAttribute']);
      }
      for (const indicator of this.store.list('programIndicators')) if (refId(indicator['program']) === id) this.visit('programIndicators', indicator);
      for (const rule of this.store.list('programRules')) {
        if (refId(rule['program']) !== id) continue;
        this.visit('programRules', rule, (r) => {
          for (const action of items(r['programRuleActions'])) {
            this.visit('programRuleActions', action, (a) => {
              this.dataElement(a['dataElement']);
              this.trackedEntityAttribute(a['trackedEntityAttribute']);
              this.visit('programIndicators', a['programIndicator']);
              this.programStageSection(a['programStageSection']);
              this.programStage(a['programStage']);
              this.optionGroup(a['optionGroup']);
            });
          }
        });
      }
      for (const variable of this.store.list('programRuleVariables')) {
        if (refId(variable['program']) !== id) continue;
        this.visit('programRuleVariables', variable, (v) => {
          this.trackedEntityAttribute(v['trackedEntityAttribute']);
          this.dataElement(v['dataElement']);
          this.programStage(v['programStage']);
        });
      }
    });
  }

  private notificationTemplate(reference: unknown): void {
    this.visit('programNotificationTemplates', reference, (template) => {
      this.trackedEntityAttribute(template['recipientProgramAttribute']);
      this.dataElement(template['recipientDataElement']);
    });
  }

  private trackedEntityAttribute(reference: unknown): void {
    this.visit('trackedEntityAttributes', reference, (tea) => this.optionSet(tea['optionSet']));
  }

  private programStage(reference: unknown): void {
    this.visit('programStages', reference, (stage) => {
      for (const template of items(stage['notificationTemplates'])) this.notificationTemplate(template);
      for (const psde of items(stage['programStageDataElements'])) {
        if (!isObject(psde)) continue;
        if (typeof psde['id'] === 'string') this.put('programStageDataElements', psde);
        this.dataElement(psde['dataElement']);
      }
      for (const section of items(stage['programStageSections'])) this.programStageSection(section);
      this.visit('dataEntryForms', stage['dataEntryForm']);
    });
  }

  private programStageSection(reference: unknown): void {
    this.visit('programStageSections', reference, (section) => {
      for (const indicator of items(section['programIndicators'])) this.visit('programIndicators', indicator);
    });
  }

  dashboard(reference: unknown): void {
    this.visit('dashboards', reference, (dashboard) => {
      for (const item of items(dashboard['dashboardItems'])) {
        if (!isObject(item)) continue;
        this.visit('visualizations', item['visualization']);
        this.visit('eventVisualizations', item['eventVisualization']);
        this.visit('eventCharts', item['eventChart']);
        this.visit('eventReports', item['eventReport']);
        this.visit('maps', item['map']);
        for (const report of items(item['reports'])) this.visit('reports', report);
        for (const document of items(item['resources'])) this.visit('documents', document);
      }
    });
  }

  dataElementGroup(reference: unknown): void {
    this.visit('dataElementGroups', reference, (group) => {
      for (const de of items(group['dataElements'])) this.dataElement(de);
      this.legendSets(group['legendSets']);
    });
  }
}

/** Plural type -> objects, in the order they were reached. */
export function metadataWithDependencies(store: MetadataStore, root: DependencyRoot, id: string): Map<string, MetadataObject[]> {
  const collector = new Collector(store);
  const reference = { id };
  switch (root) {
    case 'dataSets':
      collector.dataSet(reference);
      break;
    case 'programs':
      collector.program(reference);
      break;
    case 'categoryCombos':
      collector.categoryCombo(reference);
      break;
    case 'dashboards':
      collector.dashboard(reference);
      break;
    case 'dataElementGroups':
      collector.dataElementGroup(reference);
      break;
    case 'optionSets':
      collector.optionSet(reference);
      break;
  }
  return new Map([...collector.out].map(([type, objects]) => [type, [...objects.values()]]));
}
