// Ingest, the paths: files, folders (recursive) and globs → the files to read, with size and mtime.

import { readdirSync, statSync, existsSync } from 'node:fs';
import { extname, join, relative, resolve, sep } from 'node:path';

// ---------------------------------------------------------------- paths

export interface FileEntry {
  path: string;
  size: number;
  mtimeMs: number;
}

/** Extensions taken from folders and globs (explicit file arguments are always taken). */
export const REPORT_EXTENSIONS = new Set(['', '.txt', '.text', '.htm', '.html', '.shtml', '.xhtml', '.pdf', '.docx', '.doc', '.wps']);

function globRegex(pattern: string): RegExp {
  let re = '';
  for (let i = 0; i < pattern.length; i++) {
    const ch = pattern[i];
    if (ch === '*' && pattern[i + 1] === '*') {
      i++;
      if (pattern[i + 1] === '/') {
        i++;
        re += '(?:.*/)?';
      } else re += '.*';
    } else if (ch === '*') re += '[^/]*';
    else if (ch === '?') re += '[^/]';
    else if (ch === '[') {
      const end = pattern.indexOf(']', i + 1);
      if (end < 0) re += '\\[';
      else {
        re += `[${pattern.slice(i + 1, end).replace(/^!/, '^').replace(/\\/g, '\\\\')}]`;
        i = end;
      }
    } else re += ch.replace(/[.+^${}()|\\]/g, '\\$&');
  }
  return new RegExp(`^${re}$`);
}

const isGlob = (s: string) => /[*?[]/.test(s);

/**
 * The files under the given arguments: files as they are, folders recursively (hidden entries and
 * gongkai data directories skipped; report extensions only), globs (`*`, `?`, `[…]`, `**`).
 * `missing` lists the arguments that name nothing readable.
 */
export function collectPaths(args: string[]): { files: FileEntry[]; missing: string[] } {
  const files: FileEntry[] = [];
  const seen = new Set<string>();
  const missing: string[] = [];
  const add = (rel: string, size: number, mtimeMs: number) => {
    const p = resolve(rel);
    if (!seen.has(p)) {
      seen.add(p);
      files.push({ path: p, size, mtimeMs: Math.round(mtimeMs) });
    }
  };
  const walk = (dir: string, match?: (p: string) => boolean) => {
    let names: string[];
    try {
      names = readdirSync(dir).sort();
    } catch {
      return;
    }
    if (names.includes('gongkai.json') && names.includes('pg')) return; // a corpus data directory
    for (const name of names) {
      if (name.startsWith('.')) continue;
      const p = join(dir, name);
      let st;
      try {
        st = statSync(p);
      } catch {
        continue;
      }
      if (st.isDirectory()) walk(p, match);
      else if (st.isFile() && (match ? match(p) : REPORT_EXTENSIONS.has(extname(name).toLowerCase()))) add(p, st.size, st.mtimeMs);
    }
  };
  for (const a of args) {
    if (isGlob(a) && !existsSync(a)) {
      const norm = a.split(sep).join('/');
      const parts = norm.split('/');
      const first = parts.findIndex(isGlob);
      const base = parts.slice(0, first).join('/') || (norm.startsWith('/') ? '/' : '.');
      const re = globRegex(parts.slice(first).join('/'));
      const before = files.length;
      walk(base, (p) => re.test(relative(base, p).split(sep).join('/')));
      if (files.length === before) missing.push(a);
      continue;
    }
    let st;
    try {
      st = statSync(a);
    } catch {
      missing.push(a);
      continue;
    }
    if (st.isDirectory()) {
      try {
        readdirSync(a);
      } catch {
        missing.push(a);
        continue;
      }
      walk(a);
    } else if (st.isFile()) add(a, st.size, st.mtimeMs);
    else missing.push(a);
  }
  return { files, missing };
}

/** Stats paths given one by one (stdin lists, queue claims); unreadable ones come back as null. */
export function statEntry(path: string): FileEntry | null {
  try {
    const st = statSync(path);
    return st.isFile() ? { path, size: st.size, mtimeMs: Math.round(st.mtimeMs) } : null;
  } catch {
    return null;
  }
}
