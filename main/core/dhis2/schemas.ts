import { z } from 'zod';

/** The parts of DHIS2 responses we rely on; everything else passes through untouched (DHIS2 adds keys across versions). */
export const SystemInfo = z.looseObject({
  version: z.string(),
  revision: z.string().optional(),
  systemName: z.string().optional(),
  calendar: z.string().optional(),
  dateFormat: z.string().optional(),
  serverDate: z.string().optional(),
  systemId: z.string().optional(),
});
export type SystemInfo = z.infer<typeof SystemInfo>;

export const Me = z.looseObject({
  id: z.string(),
  username: z.string(),
  name: z.string().optional(),
  displayName: z.string().optional(),
  firstName: z.string().optional(),
  surname: z.string().optional(),
  authorities: z.array(z.string()).optional(),
  organisationUnits: z.array(z.looseObject({ id: z.string() })).optional(),
});
export type Me = z.infer<typeof Me>;

export const WebMessage = z.looseObject({
  httpStatus: z.string().optional(),
  httpStatusCode: z.number().optional(),
  status: z.string().optional(),
  message: z.string().optional(),
  errorCode: z.string().optional(),
  response: z.unknown().optional(),
});
export type WebMessage = z.infer<typeof WebMessage>;

/** The pager of a collection endpoint (`paging=true`). */
export const Pager = z.looseObject({
  page: z.number().optional(),
  pageCount: z.number().optional(),
  total: z.number().optional(),
  pageSize: z.number().optional(),
});
export type Pager = z.infer<typeof Pager>;
