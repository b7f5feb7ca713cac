import type { ImportDataParams } from '../../../shared/data-import';
import { openInput } from '../formats/open-input';
import { sniffFile } from '../formats/sniff-file';
import { readDataValues, type DataValueSource } from '../formats/datavalues/read';
import type { DataValueFormat } from './types';

export interface OpenedDataFile {
  format: DataValueFormat;
  /** Why this format: the sniffer's words, or that the user chose it. */
  formatReason: string;
  source: DataValueSource;
}

/**
 * A stored data value file, ready to stream: format from the content unless the user chose one,
 * compression always from the content. The file is read again for every pass, never held whole.
 */
export async function openDataFile(path: string, fileName: string, params: Pick<ImportDataParams, 'format' | 'firstRowIsHeader'>): Promise<OpenedDataFile> {
  const sniffed = await sniffFile(path, { fileName });
  const format = params.format === 'auto' ? sniffed.format : params.format;
  const formatReason = params.format === 'auto' ? sniffed.reason : `read as ${params.format.toUpperCase()}, as chosen`;
  const source = await readDataValues(() => openInput(path, { fileName, compression: sniffed.compression }), {
    format,
    fileName,
    firstRowIsHeader: params.firstRowIsHeader,
  });
  return { format, formatReason, source };
}
