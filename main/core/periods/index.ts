export { PeriodCalendar, type Period } from './period-calendar';
export { PERIOD_TYPES, isPeriodTypeName, periodTypeOf, periodIdParts, canonicalPeriodId, type PeriodTypeName, type PeriodIdParts } from './period-types';
export { addDays, dayOf, localIsoDate, isoDate, isValidIsoDate } from './iso-dates';
