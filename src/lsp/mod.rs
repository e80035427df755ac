//! `treaty lsp`: a language server over stdio for clause files.
//!
//! Built on `lsp-server` (synchronous messages over crossbeam channels, no async runtime),
//! so that the server is a plain loop over requests that calls the library as the CLI
//! does. Every change reloads the document (parse and resolve, milliseconds) and publishes
//! its errors; an analysis that needs the solver runs when a document is opened or saved,
//! on a thread of its own, under a time budget, and its findings are published only if the
//! text it analysed is still the document's text.
//!
//! Invariants: the document is loaded under its own path, so its `use` imports resolve as
//! on the command line and places map back to `file://` URIs; navigation and hover use the
//! last model that loaded without errors; no request handler panics on any input (unknown
//! documents and positions give empty answers).

mod findings;
mod symbols;
mod text;

use std::collections::{BTreeSet, HashMap};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, MutexGuard};

use lsp_server::{Connection, Message, Notification, Request, Response};
use lsp_types::notification::{
    DidChangeTextDocument, DidCloseTextDocument, DidOpenTextDocument, DidSaveTextDocument,
    Notification as _, PublishDiagnostics,
};
use lsp_types::request::{
    CodeActionRequest, Completion, DocumentSymbolRequest, Formatting, GotoDefinition, HoverRequest,
    References, Request as _,
};
use lsp_types::{
    CodeAction, CodeActionKind, CodeActionOrCommand, CodeActionParams,
    CodeActionProviderCapability, CompletionItem, CompletionItemKind, CompletionOptions,
    CompletionParams, DocumentFormattingParams, DocumentSymbol, DocumentSymbolParams,
    GotoDefinitionParams, Hover, HoverContents, HoverParams, HoverProviderCapability, Location,
    MarkupContent, MarkupKind, OneOf, PublishDiagnosticsParams, ReferenceParams, SaveOptions,
    ServerCapabilities, TextDocumentPositionParams, TextDocumentSyncCapability,
    TextDocumentSyncKind, TextDocumentSyncOptions, TextDocumentSyncSaveOptions, TextEdit, Uri,
    WorkspaceEdit,
};

use crate::model::{self, Model};
use crate::report::wire::CheckDoc;
use crate::source::{Loc, Span};
use crate::syntax::KEYWORDS;

use findings::ByFile;

/// The solver's budget for one analysis in the editor, in milliseconds.
pub const ANALYSIS_BUDGET_MS: u64 = 10_000;
/// Conflicts listed per treaty in the editor (the verdict never depends on it).
const MAX_CONFLICTS: usize = 100;
/// The analysis thread's stack, as large as a main thread's.
const ANALYSIS_STACK_BYTES: usize = 8 * 1024 * 1024;

/// One open document.
struct Doc {
    /// The path it is loaded under (its `file://` URI's path).
    display: String,
    text: String,
    /// Bumped on every change: an analysis of an older text is dropped.
    generation: u64,
    /// The last model that loaded without errors.
    model: Option<Arc<Model>>,
    load_errors: ByFile,
    findings: ByFile,
    /// The last analysis (for hovers).
    last: Option<Arc<CheckDoc>>,
    /// The files this document last published diagnostics to (to clear them).
    published: BTreeSet<String>,
}

#[derive(Default)]
struct State {
    docs: HashMap<Uri, Doc>,
}

type Shared = Arc<Mutex<State>>;

fn lock(state: &Shared) -> MutexGuard<'_, State> {
    // A panic in another thread cannot leave the map half-written (every write is one
    // assignment), so a poisoned lock is still usable.
    state.lock().unwrap_or_else(|e| e.into_inner())
}

fn capabilities() -> ServerCapabilities {
    ServerCapabilities {
        text_document_sync: Some(TextDocumentSyncCapability::Options(
            TextDocumentSyncOptions {
                open_close: Some(true),
                change: Some(TextDocumentSyncKind::FULL),
                save: Some(TextDocumentSyncSaveOptions::SaveOptions(SaveOptions {
                    include_text: Some(false),
                })),
                ..TextDocumentSyncOptions::default()
            },
        )),
        hover_provider: Some(HoverProviderCapability::Simple(true)),
        definition_provider: Some(OneOf::Left(true)),
        references_provider: Some(OneOf::Left(true)),
        document_symbol_provider: Some(OneOf::Left(true)),
        completion_provider: Some(CompletionOptions::default()),
        code_action_provider: Some(CodeActionProviderCapability::Simple(true)),
        document_formatting_provider: Some(OneOf::Left(true)),
        ..ServerCapabilities::default()
    }
}

/// Serves the protocol on stdin and stdout until the client says `exit`.
pub fn run() -> Result<(), String> {
    let (connection, io_threads) = Connection::stdio();
    let caps = serde_json::to_value(capabilities()).map_err(|e| e.to_string())?;
    connection.initialize(caps).map_err(|e| e.to_string())?;
    let state: Shared = Arc::default();
    serve(&connection, &state)?;
    drop(connection);
    io_threads.join().map_err(|e| e.to_string())
}

fn serve(connection: &Connection, state: &Shared) -> Result<(), String> {
    for message in &connection.receiver {
        match message {
            Message::Request(req) => {
                if connection
                    .handle_shutdown(&req)
                    .map_err(|e| e.to_string())?
                {
                    return Ok(());
                }
                let response = answer(state, req);
                send(connection, Message::Response(response));
            }
            Message::Notification(note) => notified(connection, state, note),
            Message::Response(_) => {}
        }
    }
    Ok(())
}

fn send(connection: &Connection, message: Message) {
    // The client has gone when the channel is closed; the loop ends with the input.
    let _ = connection.sender.send(message);
}

fn notified(connection: &Connection, state: &Shared, note: Notification) {
    match note.method.as_str() {
        DidOpenTextDocument::METHOD => {
            if let Ok(p) =
                note.extract::<lsp_types::DidOpenTextDocumentParams>(DidOpenTextDocument::METHOD)
            {
                let uri = p.text_document.uri;
                changed(connection, state, &uri, p.text_document.text);
                analyse_in_background(connection, state, &uri);
            }
        }
        DidChangeTextDocument::METHOD => {
            if let Ok(p) = note
                .extract::<lsp_types::DidChangeTextDocumentParams>(DidChangeTextDocument::METHOD)
            {
                // Full synchronisation: the last change holds the whole text.
                if let Some(change) = p.content_changes.into_iter().last() {
                    changed(connection, state, &p.text_document.uri, change.text);
                }
            }
        }
        DidSaveTextDocument::METHOD => {
            if let Ok(p) =
                note.extract::<lsp_types::DidSaveTextDocumentParams>(DidSaveTextDocument::METHOD)
            {
                analyse_in_background(connection, state, &p.text_document.uri);
            }
        }
        DidCloseTextDocument::METHOD => {
            if let Ok(p) =
                note.extract::<lsp_types::DidCloseTextDocumentParams>(DidCloseTextDocument::METHOD)
            {
                let mut st = lock(state);
                if let Some(mut doc) = st.docs.remove(&p.text_document.uri) {
                    doc.load_errors.clear();
                    doc.findings.clear();
                    publish(&|m| send(connection, m), &mut doc);
                }
            }
        }
        _ => {}
    }
}

/// The path a document is loaded under: its file path, or for a document with no file
/// (an unsaved buffer) a name of its own in the current directory.
fn display_of(uri: &Uri) -> String {
    match text::uri_path(uri) {
        Some(path) => path.to_string_lossy().into_owned(),
        None => format!("untitled-{}.treaty", uri.as_str().len()),
    }
}

/// Reloads a document after a change and publishes its load errors; the findings of an
/// older text are dropped (their lines may have moved).
fn changed(connection: &Connection, state: &Shared, uri: &Uri, new_text: String) {
    let display = display_of(uri);
    let loaded = model::build(model::load_text(&display, &new_text));
    let mut st = lock(state);
    let doc = st.docs.entry(uri.clone()).or_insert_with(|| Doc {
        display: display.clone(),
        text: String::new(),
        generation: 0,
        model: None,
        load_errors: ByFile::new(),
        findings: ByFile::new(),
        last: None,
        published: BTreeSet::new(),
    });
    doc.text = new_text;
    doc.generation += 1;
    doc.findings.clear();
    match loaded {
        Ok(m) => {
            doc.model = Some(Arc::new(m));
            doc.load_errors.clear();
        }
        Err((files, diagnostics)) => {
            doc.load_errors = findings::load_errors(&files, &diagnostics);
            // A file with errors in it gets at least one diagnostic in itself.
            doc.load_errors.entry(display).or_default();
        }
    }
    publish(&|m| send(connection, m), doc);
}

/// Publishes the document's diagnostics to every file they are in, and clears those of
/// files it published to before and no longer does; `send` puts a message on the wire
/// (the main loop's connection, or a clone of its sender on the analysis thread).
fn publish(send: &dyn Fn(Message), doc: &mut Doc) {
    let mut all = doc.load_errors.clone();
    for (file, list) in &doc.findings {
        all.entry(file.clone())
            .or_default()
            .extend(list.iter().cloned());
    }
    let now: BTreeSet<String> = all.keys().cloned().chain([doc.display.clone()]).collect();
    for file in doc.published.union(&now) {
        let Some(uri) = text::path_uri(Path::new(file)) else {
            continue;
        };
        let diagnostics = all.get(file).cloned().unwrap_or_default();
        let params = PublishDiagnosticsParams::new(uri, diagnostics, None);
        send(Message::Notification(Notification::new(
            PublishDiagnostics::METHOD.to_string(),
            params,
        )));
    }
    doc.published = now;
}

/// Analyses the document's last good model on a thread of its own; publishes the findings
/// if the document has not changed meanwhile.
fn analyse_in_background(connection: &Connection, state: &Shared, uri: &Uri) {
    let (model, generation) = {
        let st = lock(state);
        let Some(doc) = st.docs.get(uri) else {
            return;
        };
        // Only a text that loads is analysed: findings on an older text would point at
        // lines that have moved.
        if !doc.load_errors.values().all(Vec::is_empty) {
            return;
        }
        let Some(model) = doc.model.clone() else {
            return;
        };
        (model, doc.generation)
    };
    let sender = connection.sender.clone();
    let state = Arc::clone(state);
    let uri = uri.clone();
    // The analysis recurses over formulas (bounded by the parser's nesting limits); give it
    // the main thread's stack size rather than a spawned thread's 2 MiB.
    let spawned = std::thread::Builder::new()
        .name("treaty-analysis".to_string())
        .stack_size(ANALYSIS_STACK_BYTES)
        .spawn(move || {
            let options = crate::solve::Options {
                max_conflicts: Some(MAX_CONFLICTS),
                timeout_ms: Some(ANALYSIS_BUDGET_MS),
                ..crate::solve::Options::default()
            };
            let Ok(analyses) = crate::analysis::analyse_all(&model, &options) else {
                return;
            };
            let doc_out = crate::report::wire::check(&model, &analyses);
            let found = findings::analysis(&model, &doc_out);
            let mut st = lock(&state);
            let Some(doc) = st.docs.get_mut(&uri) else {
                return;
            };
            if doc.generation != generation {
                return;
            }
            doc.findings = found;
            doc.last = Some(Arc::new(doc_out));
            publish(
                &|m| {
                    // The client has gone when the channel is closed.
                    let _ = sender.send(m);
                },
                doc,
            );
        });
    // A thread that cannot start leaves the findings as they were; the next save retries.
    drop(spawned);
}

fn answer(state: &Shared, req: Request) -> Response {
    let id = req.id.clone();
    let result = match req.method.as_str() {
        HoverRequest::METHOD => {
            params::<HoverParams>(req).map(|p| json(hover(state, &p.text_document_position_params)))
        }
        GotoDefinition::METHOD => params::<GotoDefinitionParams>(req)
            .map(|p| json(definition(state, &p.text_document_position_params))),
        References::METHOD => params::<ReferenceParams>(req)
            .map(|p| json(references(state, &p.text_document_position))),
        DocumentSymbolRequest::METHOD => params::<DocumentSymbolParams>(req)
            .map(|p| json(document_symbols(state, &p.text_document.uri))),
        Completion::METHOD => params::<CompletionParams>(req).map(|p| {
            json(completion(
                state,
                &p.text_document_position.text_document.uri,
            ))
        }),
        CodeActionRequest::METHOD => {
            params::<CodeActionParams>(req).map(|p| json(code_actions(&p)))
        }
        Formatting::METHOD => params::<DocumentFormattingParams>(req)
            .map(|p| json(formatting(state, &p.text_document.uri))),
        _ => {
            return Response::new_err(
                id,
                lsp_server::ErrorCode::MethodNotFound as i32,
                format!("unsupported request {}", req.method),
            )
        }
    };
    match result {
        Ok(value) => Response::new_ok(id, value),
        Err(message) => Response::new_err(id, lsp_server::ErrorCode::InvalidParams as i32, message),
    }
}

fn params<P: serde::de::DeserializeOwned>(req: Request) -> Result<P, String> {
    serde_json::from_value(req.params)
        .map_err(|e| format!("invalid parameters of {}: {e}", req.method))
}

fn json<T: serde::Serialize>(value: T) -> serde_json::Value {
    serde_json::to_value(value).unwrap_or(serde_json::Value::Null)
}

/// What a position points at: the document's last good model, the file's id in it, the
/// byte offset, and the last analysis.
struct Cursor {
    model: Arc<Model>,
    file: usize,
    offset: usize,
    last: Option<Arc<CheckDoc>>,
}

fn at_position(state: &Shared, pos: &TextDocumentPositionParams) -> Option<Cursor> {
    let st = lock(state);
    let doc = st.docs.get(&pos.text_document.uri)?;
    let model = doc.model.clone()?;
    let file = model.files.iter().position(|f| f.display == doc.display)?;
    // Positions are in the current text; the model may be older (the text does not load
    // now), so offsets are taken in the model's own copy of the file.
    let offset = text::offset(&model.files[file].text, pos.position);
    Some(Cursor {
        model,
        file,
        offset,
        last: doc.last.clone(),
    })
}

/// The symbol under a position and the span of the word that names it.
fn symbol_at(
    state: &Shared,
    pos: &TextDocumentPositionParams,
) -> Option<(Cursor, symbols::Symbol, Span)> {
    let cursor = at_position(state, pos)?;
    let source = &cursor.model.files[cursor.file].text;
    let (word, before) = text::word_at(source, cursor.offset)?;
    let symbol = symbols::resolve(&cursor.model, cursor.file, &word, before.as_ref())?;
    let span = word.span;
    Some((cursor, symbol, span))
}

fn hover(state: &Shared, pos: &TextDocumentPositionParams) -> Option<Hover> {
    let (cursor, symbol, span) = symbol_at(state, pos)?;
    let model = &cursor.model;
    Some(Hover {
        contents: HoverContents::Markup(MarkupContent {
            kind: MarkupKind::Markdown,
            value: symbols::hover(model, symbol, cursor.last.as_deref()),
        }),
        range: Some(text::range(&model.files[cursor.file].text, span)),
    })
}

/// A location in the protocol's terms; a declaration's span narrowed to its name.
fn location(model: &Model, loc: Loc, name: Option<&str>) -> Option<Location> {
    let file = model.files.get(loc.file)?;
    let mut span = loc.span;
    if let Some(name) = name {
        let inside = file.slice(span);
        if let Some(w) = text::words(inside)
            .into_iter()
            .find(|w| w.text == name || w.text.ends_with(&format!(".{name}")))
        {
            span = Span {
                start: span.start + w.span.start,
                end: span.start + w.span.end,
            };
        }
    }
    Some(Location::new(
        text::path_uri(&PathBuf::from(&file.display))?,
        text::range(&file.text, span),
    ))
}

fn definition(state: &Shared, pos: &TextDocumentPositionParams) -> Option<Location> {
    let (cursor, symbol, _) = symbol_at(state, pos)?;
    let model = &cursor.model;
    let name = symbols::name(model, symbol);
    location(model, symbols::definition(model, symbol), Some(&name))
}

fn references(state: &Shared, pos: &TextDocumentPositionParams) -> Vec<Location> {
    let Some((cursor, symbol, _)) = symbol_at(state, pos) else {
        return Vec::new();
    };
    let model = &cursor.model;
    let name = symbols::name(model, symbol);
    symbols::references(model, symbol)
        .into_iter()
        .filter_map(|loc| location(model, loc, Some(&name)))
        .collect()
}

#[allow(deprecated)] // `DocumentSymbol::deprecated` must be given; it is `None`.
fn to_document_symbol(model: &Model, node: symbols::Outline) -> Option<DocumentSymbol> {
    let file = model.files.get(node.loc.file)?;
    let range = text::range(&file.text, node.loc.span);
    let selection = location(
        model,
        node.loc,
        Some(node.name.trim_start_matches("clause ")),
    )
    .map_or(range, |l| l.range);
    let children: Vec<DocumentSymbol> = node
        .children
        .into_iter()
        .filter_map(|c| to_document_symbol(model, c))
        .collect();
    Some(DocumentSymbol {
        name: node.name,
        detail: node.detail,
        kind: node.kind,
        tags: None,
        deprecated: None,
        range,
        selection_range: selection,
        children: (!children.is_empty()).then_some(children),
    })
}

fn document_symbols(state: &Shared, uri: &Uri) -> Vec<DocumentSymbol> {
    let (model, display) = {
        let st = lock(state);
        let Some(doc) = st.docs.get(uri) else {
            return Vec::new();
        };
        let Some(model) = doc.model.clone() else {
            return Vec::new();
        };
        (model, doc.display.clone())
    };
    let Some(file) = model.files.iter().position(|f| f.display == display) else {
        return Vec::new();
    };
    symbols::outline(&model, file)
        .into_iter()
        .filter_map(|n| to_document_symbol(&model, n))
        .collect()
}

fn completion(state: &Shared, uri: &Uri) -> Vec<CompletionItem> {
    let model = lock(state).docs.get(uri).and_then(|d| d.model.clone());
    let mut items: Vec<CompletionItem> = KEYWORDS
        .iter()
        .map(|k| CompletionItem {
            label: k.word.to_string(),
            kind: Some(CompletionItemKind::KEYWORD),
            ..CompletionItem::default()
        })
        .collect();
    if let Some(model) = model {
        items.extend(
            symbols::names(&model)
                .into_iter()
                .map(|(label, kind, detail)| CompletionItem {
                    label,
                    kind: Some(kind),
                    detail: (!detail.is_empty()).then_some(detail),
                    ..CompletionItem::default()
                }),
        );
    }
    items
}

/// `treaty fmt` of the document's current text, as one edit of the whole text; nothing
/// when it is formatted already or does not parse (its errors are published already).
fn formatting(state: &Shared, uri: &Uri) -> Option<Vec<TextEdit>> {
    let text = lock(state).docs.get(uri)?.text.clone();
    let formatted = crate::syntax::format_source(&text).ok()?;
    if formatted == text {
        return Some(Vec::new());
    }
    let whole = lsp_types::Range::new(
        lsp_types::Position::new(0, 0),
        text::position(&text, text.len()),
    );
    Some(vec![TextEdit::new(whole, formatted)])
}

/// A quick fix for every diagnostic with a did-you-mean hint: replace the span with the
/// suggestion.
// The protocol's `WorkspaceEdit` is keyed by `Uri`, whose hash and equality are those of
// its text (lsp-types), so the interior cache clippy sees cannot change a key.
#[allow(clippy::mutable_key_type)]
fn code_actions(p: &CodeActionParams) -> Vec<CodeActionOrCommand> {
    let mut out = Vec::new();
    for d in &p.context.diagnostics {
        let Some(replacement) = d
            .data
            .as_ref()
            .and_then(|v| v.get("replacement"))
            .and_then(|v| v.as_str())
        else {
            continue;
        };
        let edit = TextEdit::new(d.range, replacement.to_string());
        let changes = HashMap::from([(p.text_document.uri.clone(), vec![edit])]);
        out.push(CodeActionOrCommand::CodeAction(CodeAction {
            title: format!("replace with `{replacement}`"),
            kind: Some(CodeActionKind::QUICKFIX),
            diagnostics: Some(vec![d.clone()]),
            edit: Some(WorkspaceEdit::new(changes)),
            is_preferred: Some(true),
            ..CodeAction::default()
        }));
    }
    out
}
