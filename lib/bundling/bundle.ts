import * as path from 'node:path';
import { buildSync, BuildOptions, Metafile } from 'esbuild';

/** Options of one handler's bundle. */
export interface BundleOptions {
  /**
   * Modules left out of the bundle, on top of `@aws-sdk/*` (which the Lambda
   * Node.js runtime provides).
   *
   * @default - only `@aws-sdk/*`
   */
  readonly externalModules?: string[];
}

/** One entry of a batched build. */
export interface BundleEntry {
  /** Output folder name: the bundle is written to `<outdir>/<key>/index.js`. */
  readonly key: string;
  /** Absolute path of the entry file. */
  readonly entry: string;
  readonly options?: BundleOptions;
}

/** The Node.js version handlers are built for; matches the Lambda runtime used. */
export const BUNDLE_TARGET = 'node22';

const ALWAYS_EXTERNAL = ['@aws-sdk/*'];

/**
 * Bundle many entries with as few esbuild builds as possible: one per distinct
 * set of external modules (in practice one).
 *
 * CommonJS output so that the local runtime can `require` the very bundles
 * that are deployed; minified, with linked source maps (no sources content,
 * to keep the zip small).
 * @returns esbuild's metafile of each build
 */
export function bundleEntries(entries: BundleEntry[], outdir: string): Metafile[] {
  const groups = new Map<string, BundleEntry[]>();
  for (const entry of entries) {
    const externals = [
      ...new Set([...ALWAYS_EXTERNAL, ...(entry.options?.externalModules ?? [])]),
    ].sort();
    const key = externals.join(',');
    groups.set(key, [...(groups.get(key) ?? []), entry]);
  }
  return [...groups.entries()].map(([externals, group]) =>
    buildGroup(group, externals.split(','), outdir),
  );
}

function buildGroup(group: BundleEntry[], external: string[], outdir: string): Metafile {
  const options: BuildOptions = {
    entryPoints: Object.fromEntries(group.map((e) => [path.join(e.key, 'index'), e.entry])),
    outdir,
    bundle: true,
    platform: 'node',
    target: BUNDLE_TARGET,
    format: 'cjs',
    minify: true,
    sourcemap: true,
    sourcesContent: false,
    external,
    metafile: true,
    logLevel: 'silent',
    // Powertools and the SDK ship ESM and CJS; prefer the module build, as Node would.
    mainFields: ['module', 'main'],
    legalComments: 'none',
  };
  try {
    return buildSync(options).metafile!;
  } catch (error) {
    const entries = group.map((e) => `  ${e.key}: ${e.entry}`).join('\n');
    throw new Error(
      `esbuild could not bundle the handlers:\n${entries}\n${(error as Error).message}`,
    );
  }
}
