// The examkit extension: starts `examkit lsp` for the YAML files of the
// examkit content roots (folders holding an `examkit.toml`) in the workspace.

import * as vscode from 'vscode';
import {
  LanguageClient,
  type LanguageClientOptions,
  type ServerOptions,
} from 'vscode-languageclient/node';
import { contentRoots, resolveServerPath, ROOT_MARKER, yamlPatterns } from './server';

const CLIENT_ID = 'examkit';
const EXCLUDE = '**/{node_modules,target,.git}/**';

let client: LanguageClient | undefined;
let watcher: vscode.FileSystemWatcher | undefined;
let output: vscode.OutputChannel | undefined;
let starting: Promise<void> = Promise.resolve();

function log(message: string): void {
  output?.appendLine(`[extension] ${message}`);
}

async function findRoots(): Promise<string[]> {
  const markers = await vscode.workspace.findFiles(`**/${ROOT_MARKER}`, EXCLUDE);
  return contentRoots(markers.filter((u) => u.scheme === 'file').map((u) => u.fsPath));
}

async function stopClient(): Promise<void> {
  const running = client;
  client = undefined;
  watcher?.dispose();
  watcher = undefined;
  if (running) {
    try {
      await running.stop();
    } catch (err) {
      log(`stopping the server failed: ${String(err)}`);
    }
  }
}

async function startClient(): Promise<void> {
  await stopClient();
  const roots = await findRoots();
  if (roots.length === 0) {
    log(`no ${ROOT_MARKER} in the workspace; the language server is not started`);
    return;
  }
  const config = vscode.workspace.getConfiguration('examkit');
  const baseDir = vscode.workspace.workspaceFolders?.[0]?.uri.fsPath;
  const resolved = resolveServerPath(config.get<string>('path'), process.env.PATH, baseDir);
  if (!resolved.ok) {
    log(resolved.message);
    const choice = await vscode.window.showErrorMessage(resolved.message, 'Open Settings');
    if (choice === 'Open Settings') {
      await vscode.commands.executeCommand('workbench.action.openSettings', 'examkit.path');
    }
    return;
  }
  log(`content roots: ${roots.join(', ')}`);
  log(`server: ${resolved.command} lsp (from ${resolved.source})`);

  const serverOptions: ServerOptions = {
    command: resolved.command,
    args: ['lsp'],
    options: { cwd: roots[0] },
  };
  // Files changed outside the editor (git checkout, another tool) reach the server
  // as workspace/didChangeWatchedFiles.
  watcher = vscode.workspace.createFileSystemWatcher('**/*.{yaml,yml,toml}');
  const clientOptions: LanguageClientOptions = {
    documentSelector: yamlPatterns(roots).map((pattern) => ({
      scheme: 'file',
      language: 'yaml',
      pattern,
    })),
    synchronize: { fileEvents: watcher },
    outputChannel: output,
    traceOutputChannel: output,
    markdown: { isTrusted: false, supportHtml: false },
  };
  const next = new LanguageClient(CLIENT_ID, 'examkit', serverOptions, clientOptions);
  client = next;
  try {
    await next.start();
  } catch (err) {
    client = undefined;
    const message = `examkit lsp failed to start: ${String(err)}`;
    log(message);
    void vscode.window.showErrorMessage(message);
  }
}

function restart(): Promise<void> {
  // Serialise restarts so that two quick triggers never leave two servers running.
  starting = starting.catch(() => undefined).then(() => startClient());
  return starting;
}

export async function activate(context: vscode.ExtensionContext): Promise<void> {
  output = vscode.window.createOutputChannel('examkit');
  context.subscriptions.push(output);

  context.subscriptions.push(
    vscode.commands.registerCommand('examkit.restartServer', () => restart()),
    vscode.commands.registerCommand('examkit.showOutput', () => output?.show(true)),
    vscode.workspace.onDidChangeConfiguration((event) => {
      if (event.affectsConfiguration('examkit.path')) {
        void restart();
      }
    }),
    vscode.workspace.onDidChangeWorkspaceFolders(() => void restart()),
  );

  // A content root created or removed later changes which files the server serves.
  const markers = vscode.workspace.createFileSystemWatcher(`**/${ROOT_MARKER}`, false, true, false);
  markers.onDidCreate(() => void restart());
  markers.onDidDelete(() => void restart());
  context.subscriptions.push(markers);

  await restart();
}

export async function deactivate(): Promise<void> {
  await starting.catch(() => undefined);
  await stopClient();
}
