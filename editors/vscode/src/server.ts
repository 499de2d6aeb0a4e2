// Helpers of the extension that do not depend on the `vscode` module, so that
// they can be unit-tested with Node's own test runner.

import * as fs from 'fs';
import * as path from 'path';

/** The file that marks the root of an examkit content set. */
export const ROOT_MARKER = 'examkit.toml';

/** The outcome of looking for the `examkit` binary. */
export type ResolvedServer =
  | { ok: true; command: string; source: 'setting' | 'PATH' }
  | { ok: false; message: string };

function isExecutableFile(file: string, platform: NodeJS.Platform): boolean {
  try {
    const stat = fs.statSync(file);
    if (!stat.isFile()) {
      return false;
    }
    if (platform === 'win32') {
      return true;
    }
    fs.accessSync(file, fs.constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/**
 * Looks `name` up on a PATH-like list of folders, the way a shell does
 * (with the PATHEXT extensions on Windows). Returns the absolute path or undefined.
 */
export function findOnPath(
  name: string,
  envPath: string | undefined,
  platform: NodeJS.Platform = process.platform,
  pathExt: string | undefined = process.env.PATHEXT,
): string | undefined {
  if (!envPath) {
    return undefined;
  }
  const delimiter = platform === 'win32' ? ';' : ':';
  const extensions =
    platform === 'win32'
      ? ['', ...(pathExt ?? '.COM;.EXE;.BAT;.CMD').split(';').filter((e) => e.length > 0)]
      : [''];
  for (const dir of envPath.split(delimiter)) {
    if (dir.length === 0) {
      continue;
    }
    for (const ext of extensions) {
      const candidate = path.join(dir, name + ext);
      if (isExecutableFile(candidate, platform)) {
        return candidate;
      }
    }
  }
  return undefined;
}

/**
 * Works out which binary to start as the language server.
 *
 * `setting` is the value of `examkit.path`: empty means "`examkit` on PATH";
 * a relative path (`./bin/examkit`, `target/release/examkit`) is taken
 * relative to `baseDir` (the first workspace folder); `~` is the home folder.
 */
export function resolveServerPath(
  setting: string | undefined,
  envPath: string | undefined,
  baseDir: string | undefined,
  platform: NodeJS.Platform = process.platform,
  home: string | undefined = process.env.HOME ?? process.env.USERPROFILE,
): ResolvedServer {
  const value = (setting ?? '').trim();
  if (value.length === 0) {
    const found = findOnPath('examkit', envPath, platform);
    if (found) {
      return { ok: true, command: found, source: 'PATH' };
    }
    return {
      ok: false,
      message:
        'examkit was not found on PATH. Install it (`cargo install --path crates/examkit` in the examkit repository) or set `examkit.path`.',
    };
  }
  let candidate = value;
  if (home && (candidate === '~' || candidate.startsWith('~/'))) {
    candidate = path.join(home, candidate.slice(1));
  }
  const hasSeparator = candidate.includes('/') || (platform === 'win32' && candidate.includes('\\'));
  if (!hasSeparator) {
    // A bare name such as "examkit-nightly": look it up on PATH.
    const found = findOnPath(candidate, envPath, platform);
    if (found) {
      return { ok: true, command: found, source: 'setting' };
    }
    return { ok: false, message: `\`examkit.path\` is "${value}", which is not on PATH.` };
  }
  if (!path.isAbsolute(candidate) && baseDir) {
    candidate = path.resolve(baseDir, candidate);
  }
  if (isExecutableFile(candidate, platform)) {
    return { ok: true, command: candidate, source: 'setting' };
  }
  return {
    ok: false,
    message: `\`examkit.path\` is "${value}", but ${candidate} is not an executable file.`,
  };
}

/** The content roots: the folders holding an `examkit.toml`, sorted and without duplicates. */
export function contentRoots(markerFiles: readonly string[]): string[] {
  const roots = new Set<string>();
  for (const file of markerFiles) {
    if (path.basename(file) === ROOT_MARKER) {
      roots.add(path.dirname(path.resolve(file)));
    }
  }
  return [...roots].sort();
}

/** Escapes the characters that have a meaning in a VS Code glob pattern. */
export function escapeGlob(text: string): string {
  return text.replace(/[[\]{}*?]/g, (c) => `[${c}]`);
}

/**
 * The glob patterns of the YAML files inside the content roots, for the
 * language client's document selector. Nested roots are covered by their
 * outermost root.
 */
export function yamlPatterns(roots: readonly string[]): string[] {
  const normalized = roots.map((r) => r.replace(/\\/g, '/').replace(/\/+$/, ''));
  const outer = normalized.filter(
    (r) => !normalized.some((other) => other !== r && r.startsWith(other + '/')),
  );
  return [...new Set(outer)].map((r) => `${escapeGlob(r)}/**/*.{yaml,yml}`);
}

/** Whether `file` lies inside one of the content roots. */
export function isInsideRoot(file: string, roots: readonly string[]): boolean {
  const f = path.resolve(file);
  return roots.some((root) => {
    const rel = path.relative(path.resolve(root), f);
    return rel.length > 0 && !rel.startsWith('..') && !path.isAbsolute(rel);
  });
}
