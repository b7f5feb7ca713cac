import { STATUS_CODES } from 'node:http';
import { type SimResponse, toDhis2Json } from './respond';

/** dxf2/webmessage/WebMessage.java: property order httpStatus, httpStatusCode, status, code, message, devMessage, response; errorCode last. */
export interface WebMessage {
  httpStatus: string;
  httpStatusCode: number;
  status: 'OK' | 'WARNING' | 'ERROR';
  code?: number;
  message?: string;
  devMessage?: string;
  response?: unknown;
  errorCode?: string;
}

/** Spring's HttpStatus reason phrases, which match Node's table for every code the simulator sends. */
export function reasonPhrase(status: number): string {
  return STATUS_CODES[status] ?? 'Unknown Status';
}

export function webMessage(
  httpStatusCode: number,
  message?: string,
  extra: Partial<Omit<WebMessage, 'httpStatus' | 'httpStatusCode' | 'message'>> = {},
): WebMessage {
  const wm: WebMessage = {
    httpStatus: reasonPhrase(httpStatusCode),
    httpStatusCode,
    status: extra.status ?? (httpStatusCode >= 400 ? 'ERROR' : 'OK'),
  };
  if (extra.code !== undefined) wm.code = extra.code;
  if (message !== undefined) wm.message = message;
  if (extra.devMessage !== undefined) wm.devMessage = extra.devMessage;
  if (extra.response !== undefined) wm.response = extra.response;
  if (extra.errorCode !== undefined) wm.errorCode = extra.errorCode;
  return wm;
}

function escapeXml(value: string): string {
  return value.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

function webMessageXml(wm: WebMessage): string {
  const attributes = `httpStatus="${escapeXml(wm.httpStatus)}" httpStatusCode="${wm.httpStatusCode}" status="${wm.status}"`;
  const message = wm.message === undefined ? '' : `<message>${escapeXml(wm.message)}</message>`;
  const devMessage = wm.devMessage === undefined ? '' : `<devMessage>${escapeXml(wm.devMessage)}</devMessage>`;
  return `<?xml version='1.0' encoding='UTF-8'?><webMessage xmlns="http://dhis2.org/schema/dxf/2.0" ${attributes}>${message}${devMessage}</webMessage>`;
}

export interface WebMessageOptions {
  /** The request's Accept header; DHIS2 answers XML when it asks for application/xml. */
  accept?: string | undefined;
  headers?: Record<string, string>;
  /** The 401 entry point sets plain "application/json"; controllers add the charset. */
  contentType?: string;
}

/** A WebMessage as the response body, with the HTTP status it describes. */
export function webMessageResponse(wm: WebMessage, options: WebMessageOptions = {}): SimResponse {
  const wantsXml = (options.accept ?? '').includes('application/xml');
  const contentType = wantsXml ? 'application/xml' : (options.contentType ?? 'application/json;charset=UTF-8');
  return {
    status: wm.httpStatusCode,
    headers: { 'Content-Type': contentType, ...options.headers },
    body: wantsXml ? webMessageXml(wm) : toDhis2Json(wm),
  };
}
