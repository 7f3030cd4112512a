import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/** One file of the patient-search page, held in memory. */
export interface StaticFile {
  contentType: string;
  body: Buffer;
}

/** URL path to file name of the patient-search page; nothing else under public/ is served. */
const PAGE_FILES: Readonly<Record<string, { file: string; contentType: string }>> = {
  '/': { file: 'index.html', contentType: 'text/html; charset=utf-8' },
  '/search.js': { file: 'search.js', contentType: 'text/javascript; charset=utf-8' },
  '/style.css': { file: 'style.css', contentType: 'text/css; charset=utf-8' },
  '/favicon.svg': { file: 'favicon.svg', contentType: 'image/svg+xml' },
};

/**
 * Loads the page files from directory once at start-up. A fixed list of names, rather than the
 * request path, picks the file, so no request can read outside the directory.
 */
export function loadStaticFiles(directory: string): Map<string, StaticFile> {
  const files = new Map<string, StaticFile>();
  for (const [urlPath, entry] of Object.entries(PAGE_FILES)) {
    const path = join(directory, entry.file);
    let body: Buffer;
    try {
      // eslint-disable-next-line security/detect-non-literal-fs-filename -- the name comes from the fixed PAGE_FILES table
      body = readFileSync(path);
    } catch (err) {
      throw new Error(`read static file "${path}": ${err instanceof Error ? err.message : String(err)}`, { cause: err });
    }
    files.set(urlPath, { contentType: entry.contentType, body });
  }
  return files;
}
