// Unit tests of the vscode-free helpers: `npm test` (tsc, then node --test).

import { strict as assert } from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { test } from 'node:test';
import {
  contentRoots,
  escapeGlob,
  findOnPath,
  isInsideRoot,
  resolveServerPath,
  yamlPatterns,
} from '../src/server';

function tempDir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'examkit-vscode-'));
}

function fakeBinary(dir: string, name: string, mode = 0o755): string {
  const file = path.join(dir, name);
  fs.writeFileSync(file, '#!/bin/sh\nexit 0\n');
  fs.chmodSync(file, mode);
  return file;
}

test('examkit is found on PATH, skipping folders without it and non-executable files', () => {
  const a = tempDir();
  const b = tempDir();
  const c = tempDir();
  fakeBinary(a, 'examkit', 0o644);
  const exe = fakeBinary(c, 'examkit');
  assert.equal(findOnPath('examkit', [a, b, c].join(':'), 'linux'), exe);
  const resolved = resolveServerPath('', [a, b, c].join(':'), undefined, 'linux');
  assert.deepEqual(resolved, { ok: true, command: exe, source: 'PATH' });
});

test('a missing binary gives a message naming the setting', () => {
  const resolved = resolveServerPath(undefined, tempDir(), undefined, 'linux');
  assert.equal(resolved.ok, false);
  assert.match(resolved.ok ? '' : resolved.message, /examkit\.path/);
});

test('examkit.path: absolute, relative to the workspace folder, or a bare name on PATH', () => {
  const ws = tempDir();
  fs.mkdirSync(path.join(ws, 'bin'));
  const exe = fakeBinary(path.join(ws, 'bin'), 'examkit');
  assert.deepEqual(resolveServerPath(exe, '', undefined, 'linux'), { ok: true, command: exe, source: 'setting' });
  assert.deepEqual(resolveServerPath('bin/examkit', '', ws, 'linux'), { ok: true, command: exe, source: 'setting' });
  assert.deepEqual(resolveServerPath('./bin/examkit', '', ws, 'linux'), { ok: true, command: exe, source: 'setting' });
  const nightly = fakeBinary(path.join(ws, 'bin'), 'examkit-nightly');
  assert.deepEqual(resolveServerPath('examkit-nightly', path.join(ws, 'bin'), undefined, 'linux'), {
    ok: true,
    command: nightly,
    source: 'setting',
  });
  const missing = resolveServerPath('bin/nope', '', ws, 'linux');
  assert.equal(missing.ok, false);
});

test('content roots are the folders of examkit.toml files, deduplicated', () => {
  assert.deepEqual(
    contentRoots(['/w/b/examkit.toml', '/w/a/examkit.toml', '/w/a/examkit.toml', '/w/a/other.toml']),
    ['/w/a', '/w/b'],
  );
});

test('document patterns cover the YAML files of the outermost roots', () => {
  assert.deepEqual(yamlPatterns(['/w/content', '/w/content/nested', '/w/other/']), [
    '/w/content/**/*.{yaml,yml}',
    '/w/other/**/*.{yaml,yml}',
  ]);
  assert.deepEqual(yamlPatterns(['C:\\w\\content']), ['C:/w/content/**/*.{yaml,yml}']);
  assert.equal(escapeGlob('/w/[draft]{1}'), '/w/[[]draft[]][{]1[}]');
});

test('isInsideRoot', () => {
  assert.equal(isInsideRoot('/w/content/questions/1.1.yaml', ['/w/content']), true);
  assert.equal(isInsideRoot('/w/content-other/x.yaml', ['/w/content']), false);
  assert.equal(isInsideRoot('/w/x.yaml', ['/w/content']), false);
});
