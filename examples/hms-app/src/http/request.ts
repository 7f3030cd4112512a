import type { IncomingMessage } from 'node:http';
import { HttpError } from './errors';

/** Largest request body accepted, in bytes; a FHIR Patient or Observation is far smaller. */
export const MAX_BODY_BYTES = 64 * 1024;

const JSON_TYPES: ReadonlySet<string> = new Set(['application/fhir+json', 'application/json']);

/**
 * Reads and parses a JSON request body. Rejects a media type other than FHIR JSON (415), a body
 * larger than MAX_BODY_BYTES (413) and malformed JSON (400).
 */
export async function readJsonBody(req: IncomingMessage): Promise<unknown> {
  const mediaType = (req.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
  if (!JSON_TYPES.has(mediaType)) {
    throw HttpError.of(415, 'not-supported', `unsupported content type "${mediaType}": send application/fhir+json`);
  }
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    const buffer = chunk as Buffer;
    size += buffer.length;
    if (size > MAX_BODY_BYTES) {
      throw HttpError.of(413, 'too-costly', `request body larger than ${MAX_BODY_BYTES} bytes`);
    }
    chunks.push(buffer);
  }
  const text = Buffer.concat(chunks).toString('utf8');
  try {
    return JSON.parse(text) as unknown;
  } catch (err) {
    const reason = err instanceof Error ? err.message : String(err);
    throw HttpError.of(400, 'structure', `invalid JSON body: ${reason}`);
  }
}

/** Extracts the bearer token of an Authorization header, or undefined when there is none. */
export function bearerToken(req: IncomingMessage): string | undefined {
  const header = req.headers.authorization;
  if (header === undefined) {
    return undefined;
  }
  const match = /^Bearer ([^\s]+)$/i.exec(header);
  return match?.[1];
}
