/**
 * What each DHIS2 data value import error code means for the person who made the file, and what
 * they can do about it. Shown next to the server's (or the offline check's) own message, which is
 * written for developers. Codes and messages: DHIS2 2.41 ErrorCode E7600–E7645.
 */
export const CONFLICT_EXPLANATIONS: Readonly<Record<string, string>> = {
  E7600:
    'The data set named in the file (or chosen under Advanced options) is not on the server, or the user cannot see it. Check the data set id, or ask an administrator for access.',
  E7601: 'The user may not enter data for this data set. Ask an administrator for data write access to the data set.',
  E7603:
    'The organisation unit named at the top of the file is not on the server, or the user cannot see it. Check the org unit id in the file header and the org unit id scheme.',
  E7604:
    'The attribute option combination named at the top of the file is not on the server, or the user may not enter data for it. Check the id in the file header.',
  E7610: 'A data element in the file is not on the server, or the user may not enter data for it. Check the data element id scheme and the spelling.',
  E7611:
    'The period is not written the way DHIS2 expects, or the date does not exist (for example 20240230). Use period ids such as 202401 (monthly), 2024W5 (weekly) or 2024Q1 (quarterly).',
  E7612: 'An organisation unit in the file is not on the server, or the user cannot see it. Check the org unit id scheme and the spelling.',
  E7613:
    'The category option combination (the disaggregation, such as "Female, under 5") is not on the server, or the user may not enter data for one of its options. Check the category option combo id scheme and the spelling.',
  E7614:
    'The user may not enter data for one of the category options of this disaggregation. Ask an administrator for data write access to the category option.',
  E7615:
    'The attribute option combination (for example a project or funding partner) is not on the server, or the user may not enter data for one of its options. Check the id and the user’s access.',
  E7616:
    'The user may not enter data for one of the options of this attribute option combination. Ask an administrator for data write access to the category option.',
  E7617:
    'Values for an organisation unit outside the user’s assigned org units (the data capture org units and those below them) are refused. Remove those rows, or ask an administrator to assign the org unit to the user.',
  E7618:
    'The row has neither a value nor a comment. Fill in the value or leave the row out. To remove values from the server, use the strategy "Delete" or mark the rows as deleted.',
  E7619:
    'The value does not fit the data element’s value type (for example text where a number is expected, a decimal where a whole number is expected, or a date that does not exist). Correct the value in the file.',
  E7620: 'The comment is too long for DHIS2 (more than 50,000 characters). Shorten the comment.',
  E7621: 'The value is not one of the options of the data element’s option set. Use the option code exactly as it is defined on the server (not its name).',
  E7630: 'The server requires a category option combination on every value, and this row has none. Add the disaggregation to the row.',
  E7631: 'The server requires an attribute option combination on every value, and this row has none. Add it to the row.',
  E7632:
    'The period type does not match the data sets that have this data element (for example a weekly period for a monthly data set). Use periods of the data set’s period type.',
  E7633: 'The data element is not part of the data set of this import. Remove those rows, or import them with the right data set.',
  E7634:
    'This disaggregation (category option combination) does not belong to the data element’s category combination. Use one of the data element’s own disaggregations.',
  E7635: 'This attribute option combination does not belong to the attribute categories of the data element’s data sets. Use one that the data set allows.',
  E7636:
    'The data element is not collected at this organisation unit: no data set with it is assigned to the org unit. Check the org unit, or ask an administrator to assign the data set.',
  E7637: 'The "stored by" text is longer than 255 characters. Shorten it, or leave it empty so the server uses the user name.',
  E7638:
    'The period is outside the start and end dates of the attribute option (for example a project that had not started yet). Check the period and the option’s dates.',
  E7639:
    'The attribute option (for example a project or partner) is not used at this organisation unit. Check the org unit, or ask to have the option assigned to it.',
  E7640:
    'The data set no longer accepts data for this period: the days allowed after the period ended (expiry days) have passed. Ask an administrator for a lock exception or more expiry days.',
  E7641: 'The period lies further in the future than the data set allows. Check the period, or ask an administrator to open more future periods.',
  E7642: 'The data for this period and org unit is already approved, so it cannot be changed. Ask for the approval to be undone first.',
  E7643:
    'The data set is not open for data entry in this period right now (its data input periods say so). Import when the period is open, or ask an administrator.',
  E7644:
    'None of the data sets with this data element accepts data for this period right now. Check the period, or ask an administrator about the data input periods.',
  E7645: 'The file asks to delete a file attached to a value, but the server has no such value. Remove the row.',
};

const FALLBACK = 'No plain-language explanation for this code yet. The message below is the one the server uses.';
const NO_CODE = 'The server gave these conflicts without an error code. The message says what is wrong.';

/** The explanation for a code, or a sentence saying there is none (never empty, so a row is never bare). */
export function explainConflict(code: string | null | undefined): string {
  if (!code) return NO_CODE;
  return CONFLICT_EXPLANATIONS[code] ?? FALLBACK;
}
