import type { Writable } from 'node:stream';
import type { DataValueFormat, DataValueRecord, DataValueSetHeader } from '../../datavalues/types';
import { TextSink } from '../text-sink';
import type { DataValueSerializer } from './serializer';
import { adxSerializer, type AdxWriteOptions } from './write-adx';
import { csvSerializer } from './write-csv';
import { jsonSerializer } from './write-json';
import { xmlSerializer } from './write-xml';

export type WritableDataValueFormat = Exclude<DataValueFormat, 'pdf'>;

export type WriteDataValuesOptions = AdxWriteOptions;

/**
 * Streams `records` to `output` in the given format, as DHIS2 2.41 exports it, waiting for the output when
 * it is slow; then ends `output` and resolves once it has taken everything. A record that the format cannot
 * hold fails with a FormatError naming it; the output is then destroyed, never left looking complete.
 */
export async function writeDataValues(
  records: AsyncIterable<DataValueRecord> | Iterable<DataValueRecord>,
  header: DataValueSetHeader,
  format: WritableDataValueFormat,
  output: Writable,
  options: WriteDataValuesOptions = {},
): Promise<{ count: number }> {
  const serializer = serializerFor(format, header, options);
  const sink = new TextSink(output);
  let count = 0;
  try {
    await sink.write(serializer.begin());
    for await (const record of records) {
      await sink.write(serializer.value(record));
      count++;
    }
    await sink.write(serializer.finish());
    await sink.end();
  } catch (error) {
    output.destroy(error instanceof Error ? error : new Error(String(error)));
    throw error;
  }
  return { count };
}

function serializerFor(format: WritableDataValueFormat, header: DataValueSetHeader, options: WriteDataValuesOptions): DataValueSerializer {
  switch (format) {
    case 'json':
      return jsonSerializer(header);
    case 'csv':
      return csvSerializer(header);
    case 'xml':
      return xmlSerializer(header);
    case 'adx':
      return adxSerializer(header, options);
  }
}
