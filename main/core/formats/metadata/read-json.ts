import type { Readable } from 'node:stream';
import { FormatError, at } from '../format-error';
import { MAX_NESTING, tooDeep } from '../input-limits';
import { textChunks } from '../text-chunks';
import { JsonTokenizer, type JsonSyntaxProblem, type JsonToken } from '../datavalues/json-tokens';
import { HEADER_KEYS, type MetadataObjectRecord, type MetadataReadResult } from './records';

/** Top-level keys of other DHIS2 exchange files, to say what the file is instead of failing obscurely. */
const OTHER_FILES: Record<string, string> = {
  dataValues: 'a data value file: import it on the Data import page',
  trackedEntities: 'a tracker file: import it on the Tracked entities import page',
  trackedEntityInstances: 'a tracker file: import it on the Tracked entities import page',
  enrollments: 'a tracker file: import it on the Tracked entities import page',
  events: 'an event file: import it on the Event import page',
  features: 'a GeoJSON file: import it on the Org unit geometry import page',
};

/** How many steps into a value a message names. */
const PATH_STEPS = 4;

/** Builds one JSON value from its tokens; numbers become numbers, as Jackson reads them. */
export class ValueBuilder {
  private readonly stack: Array<{ container: Record<string, unknown> | unknown[]; key: string | null }> = [];
  value: unknown = undefined;

  /** `where` names the value in the file (`dataElements[3]`), `depth` how many levels of the file hold it. */
  constructor(
    private readonly fileName: string,
    private readonly where: string,
    private readonly depth: number,
  ) {}

  get done(): boolean {
    return this.stack.length === 0 && this.value !== undefined;
  }

  take(token: JsonToken): void {
    switch (token.name) {
      case 'startObject':
      case 'startArray':
        if (this.depth + this.stack.length >= MAX_NESTING) throw tooDeep(this.fileName, token.line, this.path());
        this.push(token.name === 'startObject' ? {} : []);
        return;
      case 'endObject':
      case 'endArray': {
        const finished = this.stack.pop()!.container;
        if (this.stack.length === 0) this.value = finished;
        return;
      }
      case 'keyValue':
        this.stack.at(-1)!.key = token.value;
        return;
      case 'stringValue':
        return this.add(token.value);
      case 'numberValue':
        return this.add(Number(token.value));
      case 'trueValue':
      case 'falseValue':
        return this.add(token.value);
      case 'nullValue':
        return this.add(null);
    }
  }

  /** Where the value being built has got to, its first few steps: `dataElements[3].description.a.a…`. */
  private path(): string {
    // The last step is the place about to be filled; the ones before it hold the value being filled.
    const last = this.stack.length - 1;
    const steps = this.stack
      .slice(0, PATH_STEPS)
      .map(({ container, key }, i) => (Array.isArray(container) ? `[${container.length - (i === last ? 0 : 1)}]` : `.${key ?? ''}`));
    return this.where + steps.join('') + (this.stack.length > PATH_STEPS ? '…' : '');
  }

  private push(container: Record<string, unknown> | unknown[]): void {
    if (this.stack.length > 0) this.add(container);
    this.stack.push({ container, key: null });
  }

  private add(value: unknown): void {
    const top = this.stack.at(-1);
    if (!top) {
      this.value = value;
      return;
    }
    if (Array.isArray(top.container)) top.container.push(value);
    else if (top.key !== null) top.container[top.key] = value;
  }
}

/**
 * A DHIS2 metadata file in JSON: `{"system": {...}, "dataElements": [{...}, ...], ...}`. Streams it:
 * only one object is built at a time, each stamped with the line it starts on. Unknown top-level
 * keys are reported in `result.notes`; the server ignores them too.
 */
export async function* readMetadataJson(input: Readable, fileName: string, result: MetadataReadResult): AsyncGenerator<MetadataObjectRecord, void, undefined> {
  const tokenizer = new JsonTokenizer();
  type State = 'start' | 'root' | 'list' | 'object' | 'value' | 'end';
  let state = 'start' as State;
  let key = '';
  let index = 0;
  let builder: ValueBuilder | null = null;
  let startLine = 0;
  let sawAny = false;

  const take = (token: JsonToken, out: MetadataObjectRecord[]) => {
    sawAny = true;
    switch (state) {
      case 'start':
        if (token.name === 'startArray') {
          throw new FormatError(
            'JSON_NOT_METADATA',
            `${at(fileName, token.line)}: the file is a JSON list, but a DHIS2 metadata file is one object of collections ({"dataElements": [...], ...}).`,
            { file: fileName, line: token.line },
          );
        }
        if (token.name !== 'startObject') {
          throw new FormatError('JSON_NOT_METADATA', `${at(fileName, token.line)}: the file holds a single JSON value, not DHIS2 metadata.`, {
            file: fileName,
            line: token.line,
          });
        }
        state = 'root';
        return;
      case 'root':
        if (token.name === 'endObject') {
          state = 'end';
          return;
        }
        if (token.name === 'keyValue') {
          key = token.value;
          const other = OTHER_FILES[key];
          if (other) throw new FormatError('NOT_METADATA', `${at(fileName, token.line)}: this is ${other}.`, { file: fileName, line: token.line, field: key });
          return;
        }
        if (token.name === 'startArray' && !HEADER_KEYS.has(key)) {
          state = 'list';
          index = 0;
          return;
        }
        builder = new ValueBuilder(fileName, key, 1);
        builder.take(token);
        if (builder.done) finishValue();
        else state = 'value';
        return;
      case 'value':
        builder!.take(token);
        if (builder!.done) finishValue();
        return;
      case 'list':
        if (token.name === 'endArray') {
          state = 'root';
          return;
        }
        if (token.name !== 'startObject') {
          throw new FormatError('JSON_WRONG_TYPE', `${at(fileName, token.line)}: "${key}" must be a list of objects, but it holds ${describe(token)}.`, {
            file: fileName,
            line: token.line,
            field: key,
          });
        }
        builder = new ValueBuilder(fileName, `${key}[${index}]`, 2);
        builder.take(token);
        startLine = token.line;
        state = 'object';
        return;
      case 'object':
        builder!.take(token);
        if (builder!.done) {
          out.push({ type: key, index: index++, line: startLine, object: builder!.value as Record<string, unknown> });
          builder = null;
          state = 'list';
        }
        return;
      case 'end':
        return;
    }
  };

  const finishValue = () => {
    result.header[key] = builder!.value;
    builder = null;
    state = 'root';
  };

  const drain = (tokens: JsonToken[]): MetadataObjectRecord[] => {
    const out: MetadataObjectRecord[] = [];
    for (const token of tokens) take(token, out);
    return out;
  };

  for await (const text of textChunks(input, fileName)) {
    const batch = tokenizer.feed(text);
    yield* drain(batch.tokens);
    if (batch.problem) throw syntaxError(fileName, batch.problem);
  }
  const last = tokenizer.end();
  yield* drain(last.tokens);
  if (!sawAny) throw new FormatError('EMPTY_FILE', `${at(fileName)} is empty.`, { file: fileName });
  if (last.problem) throw syntaxError(fileName, last.problem);
  if (state !== 'end') {
    throw new FormatError('JSON_SYNTAX', `${at(fileName)}: the file ends before the JSON does; it may have been cut off. Copy it again.`, { file: fileName });
  }
}

function describe(token: JsonToken): string {
  switch (token.name) {
    case 'startArray':
      return 'a list';
    case 'stringValue':
      return `the text "${token.value.slice(0, 40)}"`;
    case 'numberValue':
      return `the number ${token.value}`;
    default:
      return token.name.replace('Value', '');
  }
}

export function syntaxError(fileName: string, problem: JsonSyntaxProblem): FormatError {
  const message = problem.endedEarly
    ? `${at(fileName, problem.line)}: the file ends in the middle of the JSON (${problem.detail}); it may have been cut off. Copy it again or complete it.`
    : `${at(fileName, problem.line)}: this is not valid JSON (${problem.detail}). Correct the file and import it again.`;
  return new FormatError('JSON_SYNTAX', message, { file: fileName, line: problem.line });
}
