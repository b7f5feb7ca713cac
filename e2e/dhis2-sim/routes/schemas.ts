import { typeModel } from '../md-model';
import { SCHEMAS, type SchemaInfo, schemaBySingular, simpleName } from '../md-schema-table';
import { fieldNodes, type RenderContext, renderObject } from '../metadata-view';
import { header } from '../request';
import { gzipIfAccepted, type SimResponse } from '../respond';
import type { Route, RouteContext } from '../router';
import { webMessage, webMessageResponse } from '../webmessage';

/**
 * GET /api/schemas and /api/schemas/{singular} (SchemaController, 2.41): every registered schema in
 * import order with Schema's properties in Jackson order. `properties` lists what the simulator
 * models of each type (identifiable basics plus the properties md-model.ts knows), not the full class.
 */

const DXF_NAMESPACE = 'http://dhis2.org/schema/dxf/2.0';

/** TextUtils.getPrettyClassName: "DataElement" -> "Data Element", "SMSCommand" -> "S M S Command". */
function prettyClassName(klass: string): string {
  return simpleName(klass)
    .split(/(?=[A-Z])/)
    .join(' ');
}

function propertyType(klass: string, reference: boolean, collection: boolean): string {
  if (collection) return 'COLLECTION';
  if (reference) return 'REFERENCE';
  if (klass === 'java.lang.String') return 'TEXT';
  if (klass === 'java.util.Date') return 'DATE';
  if (klass === 'java.lang.Integer') return 'INTEGER';
  if (klass === 'java.lang.Boolean') return 'BOOLEAN';
  return 'CONSTANT';
}

function propertiesOf(schema: SchemaInfo): Record<string, unknown>[] {
  if (!schema.identifiable) return [];
  const model = typeModel(schema.plural);
  const base: Record<string, unknown>[] = [
    { name: 'id', fieldName: 'uid', klass: 'java.lang.String', propertyType: 'IDENTIFIER', length: 11, min: 11, max: 11, unique: true, required: false },
    { name: 'created', fieldName: 'created', klass: 'java.util.Date', propertyType: 'DATE', required: false },
    { name: 'lastUpdated', fieldName: 'lastUpdated', klass: 'java.util.Date', propertyType: 'DATE', required: false },
  ];
  const modelled = (model?.properties ?? []).map((property) => {
    const collection = property.refs !== undefined || property.embedded !== undefined;
    const out: Record<string, unknown> = {
      name: property.item ?? property.name,
      fieldName: property.name,
      klass: property.klass,
      propertyType: propertyType(property.klass, property.ref !== undefined, collection),
    };
    if (collection) {
      out['collectionName'] = property.name;
      out['itemPropertyType'] = property.refs !== undefined ? 'REFERENCE' : 'COMPLEX';
      const item = property.refs === undefined ? undefined : typeModel(property.refs);
      if (item) out['itemKlass'] = item.klass;
    }
    if (property.length !== undefined) out['length'] = property.length;
    out['unique'] = property.unique === true;
    out['required'] = property.required === true;
    return out;
  });
  return [...base, ...modelled].map((property) => ({
    ...property,
    persisted: true,
    owner: true,
    readable: true,
    writable: true,
    collection: property['propertyType'] === 'COLLECTION',
  }));
}

/** Schema as Jackson writes it: fields in declaration order, then getter-only properties. */
function schemaJson(schema: SchemaInfo, baseUrl: string): Record<string, unknown> {
  const out: Record<string, unknown> = {
    klass: schema.klass,
    identifiableObject: schema.identifiable,
    nameableObject: schema.nameable,
    subscribableObject: schema.subscribable,
    embeddedObject: schema.embedded,
    singular: schema.singular,
    plural: schema.plural,
    metadata: schema.metadata,
    secondaryMetadata: schema.secondaryMetadata,
    namespace: DXF_NAMESPACE,
    name: schema.singular,
    displayName: prettyClassName(schema.klass),
    collectionName: schema.plural,
    shareable: schema.shareable,
    dataShareable: schema.dataShareable,
    dataWriteShareable: schema.dataWriteShareable,
    dataReadShareable: schema.dataReadShareable,
  };
  if (schema.api) {
    out['relativeApiEndpoint'] = `/${schema.plural}`;
    out['apiEndpoint'] = `${baseUrl}/api/${schema.plural}`;
  }
  out['href'] = `${baseUrl}/api/schemas/${schema.singular}`;
  out['persisted'] = schema.persisted;
  out['defaultPrivate'] = schema.defaultPrivate;
  out['implicitPrivateAuthority'] = schema.implicitPrivateAuthority;
  out['authorities'] = schema.authorities.map((authority) => ({ type: authority.type, authorities: authority.authorities }));
  out['order'] = schema.order;
  out['translatable'] = schema.translatable;
  out['favoritable'] = schema.favoritable;
  out['subscribable'] = schema.subscribable;
  out['properties'] = propertiesOf(schema);
  return out;
}

function render(ctx: RouteContext, value: Record<string, unknown>): Record<string, unknown> {
  const renderCtx: RenderContext = { store: ctx.state.metadata, baseUrl: ctx.req.baseUrl, computed: false };
  return renderObject(value, null, fieldNodes(ctx.req.query.getAll('fields'), '*'), renderCtx);
}

function json(ctx: RouteContext, value: unknown): SimResponse {
  return gzipIfAccepted(header(ctx.req, 'accept-encoding'), {
    status: 200,
    headers: { 'Content-Type': 'application/json;charset=UTF-8' },
    body: JSON.stringify(value),
  });
}

function allSchemas(ctx: RouteContext): SimResponse {
  return json(ctx, { schemas: SCHEMAS.map((schema) => render(ctx, schemaJson(schema, ctx.req.baseUrl))) });
}

function oneSchema(ctx: RouteContext): SimResponse {
  const type = ctx.params['type'] ?? '';
  const schema = schemaBySingular(type);
  if (!schema) return webMessageResponse(webMessage(404, `Type ${type} does not exist.`, { errorCode: 'E1005' }), { accept: header(ctx.req, 'accept') });
  return json(ctx, render(ctx, schemaJson(schema, ctx.req.baseUrl)));
}

export const schemaRoutes: Route[] = [
  { method: 'GET', path: '/schemas', handler: allSchemas },
  { method: 'GET', path: '/schemas/:type', handler: oneSchema },
];
