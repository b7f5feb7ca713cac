/**
 * What each DHIS2 data import error means for the person who made the file, and what to do about it:
 * shown next to the server's (or our predicted) message in the import summary.
 */
export const EXPLANATIONS: Record<string, string> = {
  E1111: 'A category option named in the file’s attributeCategoryOptions does not exist on the server. Correct the option identifiers in the file header.',
  E2041:
    'The category options in the file header do not make up an attribute option combination of the data set. Check the options in the file header against the data set’s attribute categories.',
  E7600:
    'The data set named in the file (or chosen for the import) does not exist on the server, or you cannot see it. Check the data set identifier, or ask an administrator for access.',
  E7601: 'You are not allowed to enter data for this data set. Ask an administrator to give you data write access to it.',
  E7603:
    'The organisation unit named at the top of the file does not exist on the server, or you cannot see it. Check the org unit identifier in the file header.',
  E7604:
    'The attribute option combination named at the top of the file does not exist, or you cannot enter data for it. Check the identifier in the file header.',
  E7610:
    'The file has values for a data element the server does not know (or that you cannot see). Check the data element identifier and the identifier scheme (UID, code, name) chosen for the import.',
  E7611:
    'The period is not written the way DHIS2 expects, or the date does not exist (for example 20240230). Use period ids like 202401 (monthly), 2024W5 (weekly) or 2024Q1 (quarterly).',
  E7612:
    'The file has values for an organisation unit the server does not know. Check the org unit identifier and the identifier scheme chosen for the import.',
  E7613:
    'The category option combination (disaggregation) does not exist, or you are not allowed to enter data for one of its options. Check the identifier and your access to the category options.',
  E7614:
    'You are not allowed to enter data for one of the category options of this disaggregation. Ask an administrator for data write access to the category option.',
  E7615:
    'The attribute option combination does not exist, or you are not allowed to enter data for one of its options. Check the identifier and your access to the category options.',
  E7616:
    'You are not allowed to enter data for one of the options of this attribute option combination. Ask an administrator for data write access to the category option.',
  E7617:
    'The file has values for an organisation unit you are not assigned to for data entry. Remove those rows, or ask an administrator to add the org unit (or one above it) to your data capture org units.',
  E7618: 'The row has neither a value nor a comment. Fill in the value, or leave the row out (to delete a value, mark it deleted or use the Delete strategy).',
  E7619:
    'The value does not fit the data element’s type (for example text where a number is expected, or a date that does not exist). Correct the value in the file.',
  E7620: 'The comment is longer than DHIS2 allows (50,000 characters). Shorten the comment.',
  E7621: 'The value is not one of the codes of the data element’s option set. Use the option code (not its name) exactly as defined in DHIS2.',
  E7630: 'The import requires a category option combination on every value, and this row has none. Add the disaggregation to the row.',
  E7631: 'The import requires an attribute option combination on every value, and this row has none. Add it to the row.',
  E7632:
    'The period type of the value does not match the period type of any data set with this data element (for example a weekly period for a monthly data set). Use periods of the data set’s type.',
  E7633: 'The data element is not part of the data set of the import. Remove the rows, or import them with the right data set.',
  E7634:
    'This disaggregation (category option combination) does not belong to the data element’s category combination. Use one of the data element’s own disaggregations.',
  E7635: 'This attribute option combination does not belong to the attribute categories of the data element’s data sets. Use one that the data set allows.',
  E7636:
    'The data element is not collected at this organisation unit: no data set with it is assigned to the org unit. Check the org unit, or ask to have the data set assigned.',
  E7637: 'The “stored by” text is longer than 255 characters. Shorten it, or leave it empty (DHIS2 then uses your user name).',
  E7638:
    'The period is outside the dates in which the attribute option (for example a project or funding mechanism) may be used. Check the period and the option’s start and end dates.',
  E7639:
    'The attribute option (for example a project or partner) is not used at this organisation unit. Check the org unit, or ask to have the option assigned to it.',
  E7640:
    'The data set no longer accepts data for this period: the number of days allowed after the period ended (expiry days) has passed. Ask an administrator for a lock exception, or for more expiry days.',
  E7641:
    'The period lies further in the future than the data set allows. Check the period, or ask an administrator to open more future periods for the data set.',
  E7642: 'The data for this period and org unit has already been approved, so it cannot be changed. Ask for the approval to be undone first.',
  E7643:
    'The data set is not open for data entry for this period at this time (its data input periods say so). Enter the data when the period is open, or ask an administrator.',
  E7644:
    'None of the data sets with this data element accepts data for this period at this time. Check the period, or ask an administrator about the data input periods.',
  E7645: 'The file asks to delete a file value that does not exist on the server. Remove the row.',
};

/** A plain-language explanation of a DHIS2 error code, or null when there is none. */
export function explainErrorCode(code: string | null | undefined): string | null {
  return (code && EXPLANATIONS[code]) || null;
}
