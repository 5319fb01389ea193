// The parser version stored with every report. A report stored by an older version is parsed
// again and replaced (the old one kept in report_versions); one stored by the same or a newer
// version is left alone.

import { readFileSync } from 'node:fs';

function packageVersion(): string {
  for (const rel of ['../../../package.json', '../../package.json']) {
    try {
      const pkg = JSON.parse(readFileSync(new URL(rel, import.meta.url), 'utf8')) as { name?: string; version?: string };
      if (pkg.name === 'gongkai' && pkg.version) return pkg.version;
    } catch {
      /* try the next */
    }
  }
  return '0.0.0-dev';
}

/** The package version (package.json) this build parses with. */
export const PARSER_VERSION: string = packageVersion();

/** The version in force: GONGKAI_PARSER_VERSION when set (tests, forced re-parses), else PARSER_VERSION. */
export function parserVersion(): string {
  return process.env.GONGKAI_PARSER_VERSION || PARSER_VERSION;
}

/** Compares versions part by part (numbers as numbers): <0, 0, >0. */
export function compareVersions(a: string, b: string): number {
  const pa = a.split(/[.+-]/), pb = b.split(/[.+-]/);
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const x = pa[i] ?? '', y = pb[i] ?? '';
    if (x === y) continue;
    const nx = /^\d+$/.test(x) ? Number(x) : NaN, ny = /^\d+$/.test(y) ? Number(y) : NaN;
    if (!Number.isNaN(nx) && !Number.isNaN(ny)) return nx - ny;
    if (x === '') return Number.isNaN(ny) ? 1 : -1; // 1.0 > 1.0-rc, 1.0 < 1.0.1
    if (y === '') return Number.isNaN(nx) ? -1 : 1;
    return x < y ? -1 : 1;
  }
  return 0;
}
