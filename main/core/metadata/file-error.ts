import { AppError } from '../errors';

/** A metadata file the app cannot use, named in the message (with the line where the parser could tell). */
export class MetadataFileError extends AppError {
  constructor(
    readonly file: string,
    readonly problem: string,
    readonly line: number | null = null,
  ) {
    super('METADATA_FILE_INVALID', `"${file}"${line !== null ? `, near line ${line}` : ''}: ${problem}`, { file, line });
    this.name = 'MetadataFileError';
  }
}
