export { validateDataValues } from './validate-data-values';
export { createDataValueTranslator, translateDataValues, type DataValueTranslator } from './translate';
export { EXPLANATIONS, explainErrorCode } from './explanations';
export { ERROR_TEMPLATES, type ErrorCode } from './messages';
export type { DuplicateReport, DuplicateValue, StrictOptions, ValidationContext, ValidationNotice, ValidationResult } from './types';
