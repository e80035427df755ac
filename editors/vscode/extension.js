// The VS Code side of `treaty lsp`: starts the language server over stdio for every
// `.treaty` file. All analysis lives in the server; this file only launches it.
const vscode = require("vscode");
const { LanguageClient, TransportKind } = require("vscode-languageclient/node");

let client;

function activate(context) {
  const command = vscode.workspace.getConfiguration("treaty").get("serverPath") || "treaty";
  const server = { command, args: ["lsp"], transport: TransportKind.stdio };
  client = new LanguageClient(
    "treaty",
    "Treaty language server",
    { run: server, debug: server },
    { documentSelector: [{ scheme: "file", language: "treaty" }] }
  );
  context.subscriptions.push(client);
  return client.start();
}

function deactivate() {
  return client ? client.stop() : undefined;
}

module.exports = { activate, deactivate };
