//! `treaty lsp` driven over stdio with real JSON-RPC messages, as an editor would: the
//! handshake, a document with an error and its quick fix, hover, definition, references,
//! symbols, completion, a change that fixes the error, the solver's findings on the plan
//! (conflicts on clauses 6 and 21a/21b), shutdown and exit.

use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::mpsc::{channel, Receiver};
use std::time::{Duration, Instant};

use serde_json::{json, Value};

/// A running server and the messages it has sent.
struct Client {
    child: Child,
    stdin: ChildStdin,
    incoming: Receiver<Value>,
    /// Messages read while waiting for something else (notifications, mostly).
    seen: Vec<Value>,
    next_id: i64,
}

fn read_message(reader: &mut impl BufRead) -> Option<Value> {
    let mut length = None;
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line).ok()? == 0 {
            return None;
        }
        let line = line.trim_end();
        if line.is_empty() {
            break;
        }
        if let Some(n) = line.strip_prefix("Content-Length: ") {
            length = n.parse::<usize>().ok();
        }
    }
    let mut body = vec![0; length?];
    reader.read_exact(&mut body).ok()?;
    serde_json::from_slice(&body).ok()
}

impl Client {
    fn start() -> Client {
        let mut child = Command::new(env!("CARGO_BIN_EXE_treaty"))
            .arg("lsp")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("treaty lsp starts");
        let stdin = child.stdin.take().expect("stdin is piped");
        let stdout = child.stdout.take().expect("stdout is piped");
        let (tx, incoming) = channel();
        std::thread::spawn(move || {
            let mut reader = BufReader::new(stdout);
            while let Some(message) = read_message(&mut reader) {
                if tx.send(message).is_err() {
                    break;
                }
            }
        });
        Client {
            child,
            stdin,
            incoming,
            seen: Vec::new(),
            next_id: 1,
        }
    }

    fn send(&mut self, message: &Value) {
        let body = message.to_string();
        write!(self.stdin, "Content-Length: {}\r\n\r\n{body}", body.len())
            .expect("the server reads");
        self.stdin.flush().expect("the server reads");
    }

    fn notify(&mut self, method: &str, params: Value) {
        self.send(&json!({"jsonrpc": "2.0", "method": method, "params": params}));
    }

    fn request(&mut self, method: &str, params: Value) -> Value {
        let id = self.next_id;
        self.next_id += 1;
        self.send(&json!({"jsonrpc": "2.0", "id": id, "method": method, "params": params}));
        let response = self.wait(|m| m["id"] == json!(id), Duration::from_secs(60));
        assert!(
            response.get("error").is_none(),
            "{method} failed: {response}"
        );
        response["result"].clone()
    }

    /// The first message (already seen or to come) that `pick` accepts; seen messages it
    /// does not accept are kept.
    fn wait(&mut self, pick: impl Fn(&Value) -> bool, timeout: Duration) -> Value {
        if let Some(i) = self.seen.iter().position(&pick) {
            return self.seen.remove(i);
        }
        let deadline = Instant::now() + timeout;
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            let message = self.incoming.recv_timeout(left).unwrap_or_else(|_| {
                panic!(
                    "no expected message within {timeout:?}; seen: {:#?}",
                    self.seen
                )
            });
            if pick(&message) {
                return message;
            }
            self.seen.push(message);
        }
    }

    /// The next diagnostics published for `uri` that `pick` accepts.
    fn diagnostics(&mut self, uri: &str, pick: impl Fn(&[Value]) -> bool) -> Vec<Value> {
        let message = self.wait(
            |m| {
                m["method"] == "textDocument/publishDiagnostics"
                    && m["params"]["uri"] == uri
                    && m["params"]["diagnostics"]
                        .as_array()
                        .is_some_and(|d| pick(d))
            },
            Duration::from_secs(120),
        );
        message["params"]["diagnostics"]
            .as_array()
            .cloned()
            .unwrap_or_default()
    }
}

fn uri(path: &Path) -> String {
    let path = path.canonicalize().expect("the file exists");
    let text = path.to_str().expect("a UTF-8 path");
    let mut out = String::from("file://");
    for b in text.bytes() {
        if b.is_ascii_alphanumeric() || b"/-._~".contains(&b) {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

fn position(text: &str, needle: &str, nth: usize) -> Value {
    let offset = text
        .match_indices(needle)
        .nth(nth)
        .expect("the needle is in the text")
        .0;
    let before = &text[..offset];
    let line = before.matches('\n').count();
    let character = before.len() - before.rfind('\n').map_or(0, |i| i + 1);
    json!({"line": line, "character": character + 1})
}

const BROKEN: &str = "\
actor UKR \"Ukraine\"
actor POL \"Poland\"
body Council \"a council\" {
  members UKR, POL
  decides by unanimity
}
var UKR.troops: int
treaty T \"a treaty\" {
  parties UKR, POLL
  clause 1 \"troops\" {
    UKR.troops <= 10
    requires Council
  }
}
";

#[test]
fn an_editor_session_over_stdio() {
    let dir = std::env::temp_dir().join(format!("treaty-lsp-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("a temporary folder");
    let file: PathBuf = dir.join("draft.treaty");
    std::fs::write(&file, BROKEN).expect("the draft is written");
    let uri = uri(&file);

    let mut client = Client::start();
    let init = client.request(
        "initialize",
        json!({"processId": null, "rootUri": null, "capabilities": {}}),
    );
    let caps = &init["capabilities"];
    for capability in [
        "hoverProvider",
        "definitionProvider",
        "referencesProvider",
        "documentSymbolProvider",
        "codeActionProvider",
        "documentFormattingProvider",
    ] {
        assert_eq!(caps[capability], json!(true), "{capability} in {caps}");
    }
    client.notify("initialized", json!({}));

    // An unknown party: one error at `POLL`, with its help, and a quick fix to `POL`.
    client.notify(
        "textDocument/didOpen",
        json!({"textDocument": {"uri": uri, "languageId": "treaty", "version": 1, "text": BROKEN}}),
    );
    let errors = client.diagnostics(&uri, |d| !d.is_empty());
    assert_eq!(errors.len(), 1, "{errors:#?}");
    let error = &errors[0];
    assert_eq!(error["code"], "E0201", "{error}");
    assert!(
        error["message"]
            .as_str()
            .is_some_and(|m| m.contains("POLL") && m.contains("help: did you mean `POL`")),
        "{error}"
    );
    assert_eq!(error["range"]["start"], position(BROKEN, "POLL", 0).as_object().map(|p| json!({"line": p["line"], "character": p["character"].as_u64().unwrap_or(1) - 1})).unwrap_or_default());
    let actions = client.request("textDocument/codeAction", json!({
        "textDocument": {"uri": uri}, "range": error["range"], "context": {"diagnostics": [error]}
    }));
    let edit = &actions[0]["edit"]["changes"][&uri][0];
    assert_eq!(edit["newText"], "POL", "{actions}");
    assert_eq!(edit["range"], error["range"]);

    // The fix: the errors are cleared.
    let fixed = BROKEN.replace("POLL", "POL");
    client.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": uri, "version": 2}, "contentChanges": [{"text": fixed}]}),
    );
    let cleared = client.diagnostics(&uri, <[Value]>::is_empty);
    assert!(cleared.is_empty());

    // Hover: an actor, a body with its rule in words and veto players.
    let hover = client.request(
        "textDocument/hover",
        json!({"textDocument": {"uri": uri}, "position": position(&fixed, "UKR", 1)}),
    );
    let text = hover["contents"]["value"].as_str().unwrap_or_default();
    assert!(
        text.contains("**actor UKR**: Ukraine") && text.contains("member of: Council"),
        "{text}"
    );
    let hover = client.request(
        "textDocument/hover",
        json!({"textDocument": {"uri": uri}, "position": position(&fixed, "Council", 1)}),
    );
    let text = hover["contents"]["value"].as_str().unwrap_or_default();
    assert!(
        text.contains("**body Council**") && text.contains("every member can veto"),
        "{text}"
    );

    // Definition of `Council` in `requires Council`: its declaration's name.
    let def = client.request(
        "textDocument/definition",
        json!({"textDocument": {"uri": uri}, "position": position(&fixed, "Council", 1)}),
    );
    assert_eq!(def["uri"], uri);
    assert_eq!(def["range"]["start"], json!({"line": 2, "character": 5}));

    // References of UKR: the declaration, the member list, the parties (not `UKR.troops`).
    let refs = client.request("textDocument/references", json!({"textDocument": {"uri": uri}, "position": position(&fixed, "UKR", 0), "context": {"includeDeclaration": true}}));
    let lines: Vec<u64> = refs
        .as_array()
        .map(|r| {
            r.iter()
                .filter_map(|l| l["range"]["start"]["line"].as_u64())
                .collect()
        })
        .unwrap_or_default();
    assert_eq!(lines, [0, 3, 8], "{refs}");

    // The outline: actors, the body, the variable, the treaty with its clause.
    let symbols = client.request(
        "textDocument/documentSymbol",
        json!({"textDocument": {"uri": uri}}),
    );
    let names: Vec<&str> = symbols
        .as_array()
        .map(|s| s.iter().filter_map(|x| x["name"].as_str()).collect())
        .unwrap_or_default();
    assert_eq!(
        names,
        ["UKR", "POL", "Council", "UKR.troops", "T"],
        "{symbols}"
    );
    assert_eq!(symbols[4]["children"][0]["name"], "clause 1");

    // Completion offers keywords and names.
    let items = client.request(
        "textDocument/completion",
        json!({"textDocument": {"uri": uri}, "position": {"line": 0, "character": 0}}),
    );
    let labels: Vec<&str> = items
        .as_array()
        .map(|s| s.iter().filter_map(|x| x["label"].as_str()).collect())
        .unwrap_or_default();
    assert!(
        labels.contains(&"requires")
            && labels.contains(&"Council")
            && labels.contains(&"UKR.troops"),
        "{labels:?}"
    );

    // Formatting through `treaty fmt`: a badly laid out text becomes the canonical one, in
    // one edit of the whole text; a formatted text needs no edit.
    let messy = fixed
        .replace("  members UKR, POL", "members   UKR ,POL")
        .replace("UKR.troops <= 10", "UKR.troops<=10");
    client.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": uri, "version": 3}, "contentChanges": [{"text": messy}]}),
    );
    let edits = client.request(
        "textDocument/formatting",
        json!({"textDocument": {"uri": uri}, "options": {"tabSize": 2, "insertSpaces": true}}),
    );
    assert_eq!(edits.as_array().map(Vec::len), Some(1), "{edits}");
    assert_eq!(edits[0]["newText"], fixed.as_str(), "{edits}");
    assert_eq!(
        edits[0]["range"]["start"],
        json!({"line": 0, "character": 0})
    );
    client.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": uri, "version": 4}, "contentChanges": [{"text": fixed}]}),
    );
    let edits = client.request(
        "textDocument/formatting",
        json!({"textDocument": {"uri": uri}, "options": {"tabSize": 2, "insertSpaces": true}}),
    );
    assert_eq!(edits, json!([]));

    // The plan: the solver's conflicts on clause 6 and on 21a and 21b, in the background.
    let plan = Path::new("rules/treaties/peace-plan-28.treaty");
    let plan_text = std::fs::read_to_string(plan).expect("the plan is readable");
    let plan_uri = self::uri(plan);
    client.notify("textDocument/didOpen", json!({"textDocument": {"uri": plan_uri, "languageId": "treaty", "version": 1, "text": plan_text}}));
    let found = client.diagnostics(&plan_uri, |d| d.iter().any(|x| x["code"] == "conflict"));
    let conflict_lines: std::collections::BTreeSet<u64> = found
        .iter()
        .filter(|d| d["code"] == "conflict")
        .filter_map(|d| d["range"]["start"]["line"].as_u64())
        .collect();
    let line_of = |needle: &str| {
        plan_text[..plan_text.find(needle).expect("the clause is in the plan")]
            .matches('\n')
            .count() as u64
    };
    for clause in ["clause 6 ", "clause 21a ", "clause 21b "] {
        assert!(
            conflict_lines.contains(&line_of(clause)),
            "no conflict on {clause}: {conflict_lines:?}"
        );
    }
    assert!(
        found.iter().any(|d| d["code"] == "blocked-clause"
            && d["message"]
                .as_str()
                .is_some_and(|m| m.contains("clause 7 is blocked"))),
        "{found:#?}"
    );

    // Shutdown, then exit: the server ends cleanly.
    let result = client.request("shutdown", Value::Null);
    assert_eq!(result, Value::Null);
    client.notify("exit", Value::Null);
    let status = client.child.wait().expect("the server exits");
    assert!(status.success(), "{status}");
    let _ = std::fs::remove_dir_all(&dir);
}
