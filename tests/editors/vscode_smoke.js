#!/usr/bin/env node
// vscode_smoke.js -- runs the packaged VS Code extension against `examkit lsp`
// inside a small fake of the `vscode` API (VS Code itself cannot be downloaded here).
//
// The fake implements what the extension and vscode-languageclient touch: workspace
// folders, findFiles, configuration, documents and their events, the language
// feature registrations (recorded, then called as VS Code would), diagnostic
// collections, output channels, and the value classes (Uri, Position, Range, ...).
// Anything else is a permissive stub. With it, the real bundle (out/extension.js
// from the .vsix) is activated: it must find the content root, start `examkit lsp`
// from PATH, send the open question file, and the results of the providers must
// match `examkit check` and the content: diagnostics on the right lines, service
// ids completed after `services: [`, hover with the definition, definition in the
// service file. Then deactivate() must stop the server.
//
// Usage: node vscode_smoke.js BUNDLE SPEC.json CHECK.json WORKSPACE
// Prints "vscode smoke: N passed, M failed".
'use strict';

const fs = require('fs');
const path = require('path');
const Module = require('module');
const { pathToFileURL, fileURLToPath } = require('url');

const [bundle, specPath, checkPath, workspaceDir] = process.argv.slice(2);
const spec = JSON.parse(fs.readFileSync(specPath, 'utf8'));
const check = JSON.parse(fs.readFileSync(checkPath, 'utf8'));
const TIMEOUT = Number(process.env.SMOKE_TIMEOUT_MS || 20000);

let passed = 0;
let failed = 0;
function report(ok, name, detail) {
  if (ok) {
    passed += 1;
    console.log(`ok - ${name}`);
  } else {
    failed += 1;
    console.log(`not ok - ${name}${detail ? `: ${detail}` : ''}`);
  }
}
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
async function waitFor(pred, ms = TIMEOUT) {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (pred()) return true;
    await sleep(20);
  }
  return pred();
}

// ---------------------------------------------------------------- the fake vscode
const touched = new Set();
function stub(name) {
  const fn = function () {};
  return new Proxy(fn, {
    get(_t, p) {
      if (p === 'then') return undefined; // not a thenable
      if (p === 'dispose') return () => {};
      if (typeof p === 'symbol') return undefined;
      touched.add(`${name}.${String(p)}`);
      return stub(`${name}.${String(p)}`);
    },
    apply() {
      return { dispose() {} };
    },
    construct(_t, args) {
      return { args };
    },
  });
}
function withFallback(name, obj) {
  return new Proxy(obj, {
    get(t, p) {
      if (p in t) return t[p];
      if (p === 'then' || typeof p === 'symbol') return undefined;
      touched.add(`${name}.${String(p)}`);
      return stub(`${name}.${String(p)}`);
    },
  });
}

class Disposable {
  constructor(fn) {
    this._fn = fn;
  }
  static from(...items) {
    return new Disposable(() => items.forEach((i) => i && i.dispose && i.dispose()));
  }
  dispose() {
    if (this._fn) this._fn();
    this._fn = undefined;
  }
}
class EventEmitter {
  constructor() {
    this.listeners = new Set();
    this.event = (listener, thisArg) => {
      const l = thisArg ? listener.bind(thisArg) : listener;
      this.listeners.add(l);
      return new Disposable(() => this.listeners.delete(l));
    };
  }
  fire(e) {
    for (const l of [...this.listeners]) l(e);
  }
  dispose() {
    this.listeners.clear();
  }
}
class Uri {
  constructor(scheme, fsPath) {
    this.scheme = scheme;
    this.fsPath = fsPath;
    this.path = fsPath;
  }
  static file(p) {
    return new Uri('file', path.resolve(p));
  }
  static parse(s) {
    return s.startsWith('file:') ? new Uri('file', fileURLToPath(s)) : new Uri(s.split(':')[0], s);
  }
  toString() {
    return this.scheme === 'file' ? pathToFileURL(this.fsPath).href : this.fsPath;
  }
  toJSON() {
    return this.toString();
  }
  with() {
    return this;
  }
}
class Position {
  constructor(line, character) {
    this.line = line;
    this.character = character;
  }
}
class Range {
  constructor(a, b, c, d) {
    if (typeof a === 'number') {
      this.start = new Position(a, b);
      this.end = new Position(c, d);
    } else {
      this.start = a;
      this.end = b;
    }
  }
}
class Location {
  constructor(uri, rangeOrPosition) {
    this.uri = uri;
    this.range = rangeOrPosition;
  }
}
class Diagnostic {
  constructor(range, message, severity) {
    this.range = range;
    this.message = message;
    this.severity = severity;
  }
}
class MarkdownString {
  constructor(value = '', supportThemeIcons) {
    this.value = value;
    this.supportThemeIcons = supportThemeIcons;
  }
  appendMarkdown(v) {
    this.value += v;
    return this;
  }
  appendText(v) {
    this.value += v;
    return this;
  }
  appendCodeblock(v) {
    this.value += '\n```\n' + v + '\n```\n';
    return this;
  }
}
class Hover {
  constructor(contents, range) {
    this.contents = Array.isArray(contents) ? contents : [contents];
    this.range = range;
  }
}
class CompletionItem {
  constructor(label, kind) {
    this.label = label;
    this.kind = kind;
  }
}
class CompletionList {
  constructor(items = [], isIncomplete = false) {
    this.items = items;
    this.isIncomplete = isIncomplete;
  }
}
class Generic {
  constructor(...args) {
    this.args = args;
  }
}
class CancellationTokenSource {
  constructor() {
    this.token = { isCancellationRequested: false, onCancellationRequested: () => new Disposable() };
  }
  cancel() {
    this.token.isCancellationRequested = true;
  }
  dispose() {}
}
const enumStub = (name) => withFallback(name, {});

function globToRegExp(glob) {
  let re = '';
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i];
    if (c === '*') {
      if (glob[i + 1] === '*') {
        re += '.*';
        i++;
        if (glob[i + 1] === '/') i++;
      } else re += '[^/]*';
    } else if (c === '?') re += '[^/]';
    else if (c === '{') re += '(?:';
    else if (c === '}') re += ')';
    else if (c === ',') re += '|';
    else if (c === '[') {
      const j = glob.indexOf(']', i + 1);
      re += '[' + glob.slice(i + 1, j).replace(/\\/g, '\\\\') + ']';
      i = j;
    } else re += c.replace(/[.+^$()|\\/]/g, '\\$&');
  }
  return new RegExp('^' + re + '$');
}
function matchSelector(selector, doc) {
  const filters = Array.isArray(selector) ? selector : [selector];
  let score = 0;
  for (const f of filters) {
    if (typeof f === 'string') {
      if (f === doc.languageId) score = Math.max(score, 10);
      continue;
    }
    if (f.language && f.language !== doc.languageId && f.language !== '*') continue;
    if (f.scheme && f.scheme !== doc.uri.scheme && f.scheme !== '*') continue;
    if (f.pattern) {
      const pattern = typeof f.pattern === 'string' ? f.pattern : `${f.pattern.baseUri?.fsPath ?? f.pattern.base}/${f.pattern.pattern}`;
      if (!globToRegExp(pattern).test(doc.uri.fsPath.replace(/\\/g, '/'))) continue;
    }
    score = Math.max(score, 10);
  }
  return score;
}

class TextDocument {
  constructor(file, languageId) {
    this.uri = Uri.file(file);
    this.fileName = this.uri.fsPath;
    this.languageId = languageId;
    this.version = 1;
    this.isClosed = false;
    this.isDirty = false;
    this.isUntitled = false;
    this.eol = 1;
    this._text = fs.readFileSync(file, 'utf8');
  }
  getText() {
    return this._text;
  }
  get lineCount() {
    return this._text.split('\n').length;
  }
  lineAt(l) {
    const line = typeof l === 'number' ? l : l.line;
    const text = this._text.split('\n')[line];
    return { text, lineNumber: line, range: new Range(line, 0, line, text.length) };
  }
  offsetAt(pos) {
    const lines = this._text.split('\n');
    let off = 0;
    for (let i = 0; i < pos.line; i++) off += lines[i].length + 1;
    return off + pos.character;
  }
  positionAt(off) {
    const before = this._text.slice(0, off).split('\n');
    return new Position(before.length - 1, before[before.length - 1].length);
  }
  save() {
    return Promise.resolve(true);
  }
}

const providers = {};
const diagnostics = new Map();
const outputLines = [];
const errors = [];
const onDidOpen = new EventEmitter();
const textDocuments = [];
const settings = { 'examkit.path': '', 'examkit.trace.server': 'off' };
const workspaceFolder = { uri: Uri.file(workspaceDir), name: path.basename(workspaceDir), index: 0 };

function findFilesSync(dir, name, out = []) {
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory() && !['node_modules', '.git', 'target'].includes(e.name)) findFilesSync(p, name, out);
    else if (e.isFile() && e.name === name) out.push(p);
  }
  return out;
}

function register(kind) {
  return (selector, provider, ...rest) => {
    (providers[kind] = providers[kind] || []).push({ selector, provider, rest });
    return new Disposable();
  };
}
const languagesObj = {
  match: matchSelector,
  createDiagnosticCollection(name) {
    return withFallback('DiagnosticCollection', {
      name,
      set(uri, diags) {
        if (Array.isArray(uri)) {
          for (const [u, d] of uri) diagnostics.set(u.toString(), d || []);
        } else diagnostics.set(uri.toString(), diags || []);
      },
      delete(uri) {
        diagnostics.delete(uri.toString());
      },
      clear() {
        diagnostics.clear();
      },
      get(uri) {
        return diagnostics.get(uri.toString());
      },
      forEach() {},
      dispose() {},
    });
  },
  getLanguages: () => Promise.resolve(['yaml']),
};
for (const kind of ['Completion', 'Hover', 'Definition', 'Reference', 'Rename', 'DocumentSymbol', 'WorkspaceSymbol', 'CodeActions',
  'Declaration', 'TypeDefinition', 'Implementation', 'DocumentHighlight', 'CodeLens', 'DocumentLink', 'Color', 'FoldingRange',
  'SelectionRange', 'CallHierarchy', 'TypeHierarchy', 'SignatureHelp', 'DocumentFormattingEdit', 'DocumentRangeFormattingEdit',
  'OnTypeFormattingEdit', 'InlayHints', 'InlineValues', 'InlineCompletionItem', 'LinkedEditingRange',
  'DocumentSemanticTokens', 'DocumentRangeSemanticTokens', 'EvaluatableExpression']) {
  const method = kind === 'Completion' ? 'registerCompletionItemProvider' : `register${kind}Provider`;
  languagesObj[method] = register(kind);
}

const vscode = withFallback('vscode', {
  version: '1.82.0',
  Disposable,
  EventEmitter,
  Uri,
  Position,
  Range,
  Selection: Range,
  Location,
  Diagnostic,
  MarkdownString,
  Hover,
  CompletionItem,
  CompletionList,
  CancellationTokenSource,
  CancellationError: class extends Error {},
  TextEdit: Generic,
  SnippetString: class {
    constructor(value) {
      this.value = value;
    }
  },
  WorkspaceEdit: Generic,
  DiagnosticSeverity: { Error: 0, Warning: 1, Information: 2, Hint: 3 },
  DiagnosticTag: { Unnecessary: 1, Deprecated: 2 },
  CompletionItemKind: enumStub('CompletionItemKind'),
  CompletionItemTag: enumStub('CompletionItemTag'),
  SymbolKind: enumStub('SymbolKind'),
  SymbolTag: enumStub('SymbolTag'),
  CodeActionKind: withFallback('CodeActionKind', { QuickFix: { value: 'quickfix' }, Empty: { value: '' } }),
  ProgressLocation: { SourceControl: 1, Window: 10, Notification: 15 },
  ConfigurationTarget: { Global: 1, Workspace: 2, WorkspaceFolder: 3 },
  RelativePattern: class {
    constructor(base, pattern) {
      this.baseUri = typeof base === 'string' ? Uri.file(base) : base.uri || base;
      this.base = this.baseUri.fsPath;
      this.pattern = pattern;
    }
  },
  workspace: withFallback('workspace', {
    workspaceFolders: [workspaceFolder],
    textDocuments,
    notebookDocuments: [],
    name: workspaceFolder.name,
    findFiles: async (include) => {
      const name = include.replace(/^\*\*\//, '');
      return findFilesSync(workspaceDir, name).map((f) => Uri.file(f));
    },
    getConfiguration(section) {
      return withFallback('Configuration', {
        get(key, dflt) {
          const full = section ? `${section}.${key}` : key;
          return full in settings ? settings[full] : dflt;
        },
        has(key) {
          return `${section}.${key}` in settings;
        },
        inspect: () => undefined,
        update: async () => {},
      });
    },
    getWorkspaceFolder: () => workspaceFolder,
    onDidOpenTextDocument: onDidOpen.event,
    onDidChangeTextDocument: new EventEmitter().event,
    onDidCloseTextDocument: new EventEmitter().event,
    onDidSaveTextDocument: new EventEmitter().event,
    onWillSaveTextDocument: new EventEmitter().event,
    onDidChangeConfiguration: new EventEmitter().event,
    onDidChangeWorkspaceFolders: new EventEmitter().event,
    onDidCreateFiles: new EventEmitter().event,
    onDidRenameFiles: new EventEmitter().event,
    onDidDeleteFiles: new EventEmitter().event,
    onWillCreateFiles: new EventEmitter().event,
    onWillRenameFiles: new EventEmitter().event,
    onWillDeleteFiles: new EventEmitter().event,
    createFileSystemWatcher: () => ({
      onDidCreate: new EventEmitter().event,
      onDidChange: new EventEmitter().event,
      onDidDelete: new EventEmitter().event,
      dispose() {},
    }),
    openTextDocument: async (uri) => new TextDocument(uri.fsPath || uri, 'yaml'),
  }),
  window: withFallback('window', {
    createOutputChannel: (name) =>
      withFallback('OutputChannel', {
        name,
        append: (v) => outputLines.push(v),
        appendLine: (v) => outputLines.push(v),
        replace() {},
        clear() {},
        show() {},
        hide() {},
        dispose() {},
      }),
    showErrorMessage: async (m) => {
      errors.push(m);
      return undefined;
    },
    showWarningMessage: async () => undefined,
    showInformationMessage: async () => undefined,
    activeTextEditor: undefined,
    visibleTextEditors: [],
    tabGroups: { all: [], onDidChangeTabs: new EventEmitter().event },
    onDidChangeActiveTextEditor: new EventEmitter().event,
    onDidChangeVisibleTextEditors: new EventEmitter().event,
    withProgress: (_o, task) => task({ report() {} }, new CancellationTokenSource().token),
  }),
  languages: withFallback('languages', languagesObj),
  commands: withFallback('commands', {
    registerCommand: () => new Disposable(),
    executeCommand: async () => undefined,
  }),
  env: withFallback('env', { language: 'en', appName: 'fake-vscode', machineId: 'x', sessionId: 'y', uriScheme: 'vscode' }),
  extensions: withFallback('extensions', { getExtension: () => undefined, all: [] }),
});

const load = Module._load;
Module._load = function (request) {
  if (request === 'vscode') return vscode;
  return load.apply(this, arguments);
};

// ---------------------------------------------------------------- the test
const token = new CancellationTokenSource().token;
function texts(contents) {
  return (contents || []).map((c) => (typeof c === 'string' ? c : c.value || '')).join('\n');
}

async function missingBinary() {
  // examkit is not on PATH and examkit.path is empty: an error message that names the setting.
  const ext = require(path.resolve(bundle));
  await Promise.race([ext.activate({ subscriptions: [] }), sleep(TIMEOUT)]);
  report(errors.length === 1 && errors[0].includes('examkit.path'),
    'without examkit on PATH: one error message naming examkit.path', JSON.stringify(errors));
  report((providers.Hover || []).length === 0, 'without examkit on PATH: no language client is started');
  await ext.deactivate();
}

async function main() {
  if (process.env.SMOKE_MODE === 'missing') return missingBinary();
  const ext = require(path.resolve(bundle));
  const doc = new TextDocument(spec.file, 'yaml');
  textDocuments.push(doc); // open before activation: the client sends it on start
  const context = { subscriptions: [], extensionPath: path.dirname(bundle), globalState: stub('globalState'), workspaceState: stub('workspaceState') };
  const t0 = Date.now();
  await Promise.race([ext.activate(context), sleep(TIMEOUT)]);
  report(errors.length === 0, 'activate() starts examkit lsp without an error message', errors.join('; '));
  console.log(`  activated in ${Date.now() - t0} ms; output: ${outputLines.filter((l) => l.startsWith('[extension]')).join(' | ')}`);
  report(outputLines.some((l) => l.includes(`content roots: ${spec.root}`)), 'the content root is the folder of examkit.toml');

  // the document selector takes the question file and leaves other YAML alone
  const sel = (providers.Hover || [])[0]?.selector;
  const outside = { uri: Uri.file(path.join(path.dirname(workspaceDir), 'elsewhere.yaml')), languageId: 'yaml' };
  report(sel && matchSelector(sel, doc) > 0 && matchSelector(sel, outside) === 0,
    'the document selector covers YAML in the content root only', JSON.stringify(sel));

  // diagnostics
  const uri = doc.uri.toString();
  const want = new Set(check.filter((d) => d.file === spec.relfile).map((d) => `${d.start.line}:${d.start.column} ${d.code}`));
  const got = () => new Set((diagnostics.get(uri) || []).map((d) => `${d.range.start.line + 1}:${d.range.start.character + 1} ${typeof d.code === 'object' ? d.code.value : d.code}`));
  await waitFor(() => [...want].every((k) => got().has(k)) && got().size === want.size);
  const g = got();
  report(want.size > 0 && [...want].every((k) => g.has(k)) && g.size === want.size,
    `diagnostics in the collection equal examkit check (${want.size})`, `want ${[...want].join(', ')}; got ${[...g].join(', ')}`);

  // completion after `services: [`
  const completion = providers.Completion?.[0]?.provider;
  const pos = new Position(spec.completion.line, spec.completion.character);
  let result = completion && (await completion.provideCompletionItems(doc, pos, token, { triggerKind: 0 }));
  const items = Array.isArray(result) ? result : result?.items || [];
  const labels = new Set(items.map((i) => (typeof i.label === 'string' ? i.label : i.label.label)));
  const inScope = Object.entries(spec.services).filter(([, s]) => s.scope === 'in').map(([id]) => id);
  const missing = inScope.filter((id) => !labels.has(id));
  report(completion && missing.length === 0, `completion after \`services: [\` offers the ${inScope.length} in-scope service ids`,
    `missing ${missing.slice(0, 5).join(', ')}`);

  // hover
  const hover = providers.Hover?.[0]?.provider;
  result = hover && (await hover.provideHover(doc, new Position(spec.hover.line, spec.hover.character), token));
  const text = texts(result?.contents).replace(/\s+/g, ' ');
  report(text.includes(spec.hover.name) && text.includes(spec.hover.definition.slice(0, 60)),
    `hover on \`${spec.hover.id}\` shows its name and definition`, text.slice(0, 200));

  // definition
  const definition = providers.Definition?.[0]?.provider;
  result = definition && (await definition.provideDefinition(doc, new Position(spec.definition.line, spec.definition.character), token));
  const loc = Array.isArray(result) ? result[0] : result;
  const target = loc && (loc.targetUri || loc.uri);
  const range = loc && (loc.targetSelectionRange || loc.range || loc.targetRange);
  report(target && fs.realpathSync(target.fsPath) === fs.realpathSync(spec.definition.file) && range.start.line === spec.definition.id_line,
    `definition of \`${spec.hover.id}\` is the id in its service file`, JSON.stringify(loc));

  await Promise.race([ext.deactivate(), sleep(5000)]);
  report(true, 'deactivate() returns');
}

main()
  .catch((err) => report(false, 'smoke test error', err && err.stack))
  .finally(() => {
    console.log(`vscode smoke: ${passed} passed, ${failed} failed`);
    if (process.env.SMOKE_DEBUG) console.log('stubbed API used:', [...touched].sort().join(', '));
    process.exit(failed === 0 ? 0 : 1);
  });
